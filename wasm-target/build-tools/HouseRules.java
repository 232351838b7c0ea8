import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Fails when engine-common calls what compiles under TeaVM but behaves differently there, or what the
 * house rules keep out of the shared engine (README of the project, "Rules of the house"). TeaVM itself
 * rejects what it cannot compile at all (java.lang.foreign, the Vector API, executors); this catches the
 * quiet traps: Math.round, java.util.Random, reflection, files, threads, parallel streams.
 *
 * <p>Run as a source-file program: {@code java HouseRules.java <class path>}; it checks the classes of
 * package io.wasmchord found there, except this module's own (io.wasmchord.wasm).
 */
public final class HouseRules {

    /** A banned owner (internal name prefix) and optionally member, with the reason and the way out. */
    private record Rule(String owner, String member, String why) {
        boolean matches(String o, String m) {
            boolean ownerMatches = owner.endsWith("/") ? o.startsWith(owner) : o.equals(owner);
            return ownerMatches && (member == null || member.equals(m));
        }
    }

    private static final List<Rule> RULES = List.of(
            new Rule("java/lang/Math", "round", "TeaVM rounds differently; use (int) Math.floor(x + 0.5f)"),
            new Rule("java/lang/StrictMath", "round", "TeaVM rounds differently; use (int) Math.floor(x + 0.5f)"),
            new Rule("java/lang/Math", "fma", "TeaVM has no Math.fma"),
            new Rule("java/lang/Math", "random", "not reproducible across JVM and Wasm; use the engine's own PRNG"),
            new Rule("java/lang/Float", "float16ToFloat", "TeaVM lacks it; convert half floats by hand"),
            new Rule("java/lang/Float", "floatToFloat16", "TeaVM lacks it; convert half floats by hand"),
            new Rule("java/util/Random", null, "TeaVM's Random differs from the JVM's; use the engine's own PRNG"),
            new Rule("java/util/SplittableRandom", null, "use the engine's own PRNG"),
            new Rule("java/util/concurrent/ThreadLocalRandom", null, "use the engine's own PRNG"),
            new Rule("java/util/concurrent/locks/", null, "no locks in the shared engine"),
            new Rule("java/util/concurrent/Executor", null, "no executors in the shared engine"),
            new Rule("java/util/concurrent/Executors", null, "no executors in the shared engine"),
            new Rule("java/util/concurrent/ExecutorService", null, "no executors in the shared engine"),
            new Rule("java/util/concurrent/ForkJoinPool", null, "no thread pools in the shared engine"),
            new Rule("java/util/concurrent/CompletableFuture", null, "no futures in the shared engine"),
            new Rule("java/lang/Thread", null, "threads give no parallelism under TeaVM; keep them in host-native"),
            new Rule("java/lang/reflect/", null, "no reflection in the shared engine"),
            new Rule("java/lang/Class", "forName", "no reflection in the shared engine"),
            new Rule("java/lang/Class", "getMethod", "no reflection in the shared engine"),
            new Rule("java/lang/Class", "getDeclaredMethod", "no reflection in the shared engine"),
            new Rule("java/lang/Class", "getDeclaredField", "no reflection in the shared engine"),
            new Rule("java/lang/Class", "newInstance", "no reflection in the shared engine"),
            new Rule("java/nio/file/", null, "no files in the shared engine; read through io.wasmchord.io.ByteSource"),
            new Rule("java/lang/foreign/", null, "JVM only; keep it in host-native"),
            new Rule("jdk/incubator/vector/", null, "JVM only; keep it in host-native"),
            new Rule("java/util/Collection", "parallelStream", "parallel streams give nothing under TeaVM"),
            new Rule("java/util/stream/BaseStream", "parallel", "parallel streams give nothing under TeaVM"),
            new Rule("java/util/stream/Stream", "parallel", "parallel streams give nothing under TeaVM"),
            new Rule("java/util/stream/IntStream", "parallel", "parallel streams give nothing under TeaVM"));

    public static void main(String[] args) throws IOException {
        Set<String> problems = new LinkedHashSet<>();
        int classes = 0;
        for (String entry : args[0].split(java.io.File.pathSeparator)) {
            for (byte[] bytes : classFiles(Path.of(entry))) {
                ClassModel model = ClassFile.of().parse(bytes);
                String name = model.thisClass().asInternalName();
                if (name.startsWith("io/wasmchord/") && !name.startsWith("io/wasmchord/wasm/")) {
                    classes++;
                    check(model, problems);
                }
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("engine-common breaks the rules for code shared with WebAssembly:");
            problems.forEach(p -> System.err.println("  " + p));
            System.exit(1);
        }
        System.out.println("HouseRules: " + classes + " classes of engine-common checked");
    }

    private static void check(ClassModel model, Set<String> problems) {
        String source = model.thisClass().asInternalName().replace('/', '.');
        for (MethodModel method : model.methods()) {
            CodeModel code = method.code().orElse(null);
            if (code == null) {
                continue;
            }
            int line = -1;
            for (CodeElement e : code) {
                String owner = null;
                String member = null;
                switch (e) {
                    case LineNumber ln -> line = ln.line();
                    case InvokeInstruction i -> {
                        owner = i.owner().asInternalName();
                        member = i.name().stringValue();
                    }
                    case FieldInstruction f -> {
                        owner = f.owner().asInternalName();
                        member = f.name().stringValue();
                    }
                    case NewObjectInstruction n -> owner = n.className().asInternalName();
                    case TypeCheckInstruction t -> owner = t.type().asInternalName();
                    default -> {
                    }
                }
                if (owner == null) {
                    continue;
                }
                for (Rule r : RULES) {
                    if (r.matches(owner, member)) {
                        problems.add(source + "." + method.methodName().stringValue() + " (line " + line + "): "
                                + owner.replace('/', '.') + (member == null ? "" : "." + member) + " -- " + r.why());
                        break;
                    }
                }
            }
        }
    }

    private static List<byte[]> classFiles(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            return read(entry);
        }
        if (!Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
            return List.of();
        }
        try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + entry.toUri()), Map.of())) {
            return read(jar.getPath("/"));
        }
    }

    private static List<byte[]> read(Path root) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        return out;
    }
}
