package io.wasmchord.cli;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.host.MappedFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code chord info FILE}: a GGUF file's metadata and tensor table, like llama.cpp's gguf dump. */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "show a GGUF file's metadata and tensors";
    }

    @Override
    public String help() {
        return """
                usage: ./chord info [options] FILE.gguf

                Prints the header, every metadata key with its type and value (long arrays abbreviated),
                and a table of tensors: name, type, shape (ggml order, row length first), bytes, offset.

                options:
                  --full         print arrays whole instead of abbreviating them
                  --no-tensors   leave out the tensor table
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        boolean full = args.flag("--full");
        boolean noTensors = args.flag("--no-tensors");
        List<String> files = args.finish();
        if (files.size() != 1) {
            throw new Args.UsageException("expected one GGUF file, got " + files.size());
        }
        try (GgufFile gguf = GgufFile.open(MappedFile.open(Path.of(files.get(0))))) {
            System.out.print(describe(gguf, full ? Integer.MAX_VALUE : 8, !noTensors));
        }
        return 0;
    }

    static String describe(GgufFile gguf, int maxElements, boolean withTensors) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: GGUF v%d, %,d bytes, alignment %d, tensor data at %d%n",
                gguf.name(), gguf.version(), gguf.source().size(), gguf.alignment(), gguf.dataStart()));
        sb.append(String.format("%n%d metadata keys:%n", gguf.metadata().size()));
        int i = 1;
        for (Map.Entry<String, GgufValue> e : gguf.metadata().entrySet()) {
            GgufValue v = e.getValue();
            String type = v.isArray() ? "arr[" + v.elementType().typeName() + "," + v.length() + "]" : v.type().typeName();
            sb.append(String.format("%4d: %-14s %s = %s%n", i++, type, e.getKey(), v.describe(maxElements)));
        }
        if (withTensors) {
            sb.append(String.format("%n%d tensors:%n", gguf.tensors().size()));
            sb.append(String.format("%4s  %-36s %-8s %-22s %14s %14s%n", "#", "name", "type", "shape", "bytes", "offset"));
            int n = 1;
            for (GgufTensor t : gguf.tensors()) {
                sb.append(String.format("%4d  %-36s %-8s %-22s %,14d %14d%n", n++, t.name(), t.type().displayName,
                        t.shapeString(), t.byteSize(), t.dataOffset()));
            }
        }
        return sb.toString();
    }
}
