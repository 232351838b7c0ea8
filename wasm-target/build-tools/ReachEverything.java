import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes Java sources that call every non-private constructor and method of every class of the engine
 * (io.wasmchord.* on this program's class path), one class {@code WasmReach} per package, plus
 * {@code io.wasmchord.wasm.generated.ReachEverything.reach()} that calls them all.
 *
 * <p>TeaVM compiles only what is reachable from the entry points. The engine's JavaScript API reaches
 * what a browser uses today; these calls make the rest of engine-common reachable too, so that TeaVM
 * checks all of it on every build and nothing it cannot compile slips in unnoticed. Every value a call
 * returns goes into one shared pool, and every instance call takes its receiver from that pool, so
 * TeaVM's type-flow analysis sees every class that is created anywhere as a possible receiver, and
 * virtual calls reach every override. The calls pass nulls and zeros; they are compiled, never run.
 *
 * <p>Run as a source-file program: {@code java -cp <engine classes> ReachEverything.java <output dir>}.
 */
public final class ReachEverything {
    private static final String ROOT = "io.wasmchord.";
    /** This module's own code (the JavaScript API), which is reached anyway. */
    private static final String OWN = "io.wasmchord.wasm.";
    private static final String GENERATED = "io.wasmchord.wasm.generated";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Map<String, List<Class<?>>> byPackage = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            for (String name : classNames(Path.of(entry))) {
                Class<?> c = Class.forName(name, false, ReachEverything.class.getClassLoader());
                if (reachable(c)) {
                    byPackage.computeIfAbsent(c.getPackageName(), k -> new ArrayList<>()).add(c);
                }
            }
        }
        StringBuilder root = new StringBuilder();
        int calls = 0;
        for (Map.Entry<String, List<Class<?>>> e : byPackage.entrySet()) {
            StringBuilder body = new StringBuilder();
            for (Class<?> c : e.getValue()) {
                calls += callsFor(c, body);
            }
            write(out, e.getKey(), "WasmReach", "    public static void reach(Object[] pool) {\n" + body + "    }\n");
            root.append("        ").append(e.getKey()).append(".WasmReach.reach(pool);\n");
        }
        write(out, GENERATED, "ReachEverything",
                "    public static void reach() {\n        Object[] pool = new Object[1];\n" + root + "    }\n");
        System.out.println("ReachEverything: " + calls + " calls into " + byPackage.size() + " packages");
    }

    private static List<String> classNames(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            return classNamesUnder(entry);
        }
        if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
            try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + entry.toUri()), Map.of())) {
                return classNamesUnder(jar.getPath("/"));
            }
        }
        return List.of();
    }

    private static List<String> classNamesUnder(Path root) throws IOException {
        Path engine = root.resolve(ROOT.replace('.', '/'));
        if (!Files.isDirectory(engine)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(engine)) {
            return files.map(p -> root.relativize(p).toString())
                    .filter(p -> p.endsWith(".class") && !p.endsWith("module-info.class"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> !n.startsWith(OWN))
                    .sorted()
                    .toList();
        }
    }

    /** Classes source code in their own package can name: not private, not local or anonymous. */
    private static boolean reachable(Class<?> c) {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass() || c.getCanonicalName() == null) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (Modifier.isPrivate(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static int callsFor(Class<?> c, StringBuilder body) {
        int calls = 0;
        String type = c.getCanonicalName();
        boolean instantiable = !c.isInterface() && !c.isEnum() && !Modifier.isAbstract(c.getModifiers())
                && (c.getEnclosingClass() == null || Modifier.isStatic(c.getModifiers()));
        if (instantiable) {
            for (Constructor<?> k : sorted(c.getDeclaredConstructors())) {
                if (callable(k)) {
                    body.append("        try { pool[0] = new ").append(type).append(arguments(k)).append("; }")
                            .append(" catch (Throwable t) { }\n");
                    calls++;
                }
            }
        }
        for (Method m : sorted(c.getDeclaredMethods())) {
            if (!callable(m) || m.isBridge()) {
                continue;
            }
            String target = Modifier.isStatic(m.getModifiers()) ? type : "((" + type + ") pool[0])";
            String call = target + "." + m.getName() + arguments(m);
            String statement = m.getReturnType().isPrimitive() ? call : "pool[0] = " + call;
            body.append("        try { ").append(statement).append("; } catch (Throwable t) { }\n");
            calls++;
        }
        return calls;
    }

    /** Reflection lists members in no fixed order; sorting keeps the generated sources stable. */
    private static <E extends Executable> List<E> sorted(E[] members) {
        List<E> list = new ArrayList<>(List.of(members));
        list.sort(java.util.Comparator.comparing(Executable::toGenericString));
        return list;
    }

    private static boolean callable(Executable e) {
        if (Modifier.isPrivate(e.getModifiers()) || e.isSynthetic()) {
            return false;
        }
        for (Class<?> p : e.getParameterTypes()) {
            Class<?> base = p;
            while (base.isArray()) {
                base = base.getComponentType();
            }
            if (!base.isPrimitive() && !base.getName().startsWith("java.") && !reachable(base)) {
                return false;
            }
        }
        return true;
    }

    private static String arguments(Executable e) {
        StringBuilder sb = new StringBuilder("(");
        Class<?>[] types = e.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(zero(types[i]));
        }
        return sb.append(')').toString();
    }

    private static String zero(Class<?> t) {
        if (t == boolean.class) {
            return "false";
        }
        if (t == long.class) {
            return "0L";
        }
        if (t == float.class) {
            return "0f";
        }
        if (t == double.class) {
            return "0d";
        }
        if (t.isPrimitive()) {
            return "(" + t.getName() + ") 0";
        }
        return "(" + t.getCanonicalName() + ") null";
    }

    private static void write(Path out, String pkg, String name, String members) {
        Path file = out.resolve(pkg.replace('.', '/')).resolve(name + ".java");
        String source = "// Generated by wasm-target/build-tools/ReachEverything.java; do not edit.\n"
                + "package " + pkg + ";\n\n"
                + "@SuppressWarnings({\"rawtypes\", \"unchecked\", \"deprecation\", \"removal\"})\n"
                + "public final class " + name + " {\n    private " + name + "() {\n    }\n\n"
                + members + "}\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
