package io.wasmchord.tests.model;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.kernels.HostKernels;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.ModelState;
import io.wasmchord.model.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shared reference models and llama.cpp's outputs on them, and the tolerances of their README. */
final class Reference {
    private Reference() {
    }

    static Path root() {
        String p = System.getProperty("shared.models");
        Path path = p != null ? Path.of(p) : Path.of("..", "..", "shared", "models");
        if (!Files.isDirectory(path)) {
            path = Path.of("..", "shared", "models");
        }
        return path;
    }

    /** A reference model: its family directory (stories260K or synthK-A), name and GGUF path. */
    record RefModel(String family, String name, Path gguf) {
        Path ref(String kind) {
            return root().resolve(family).resolve("ref").resolve(kind);
        }

        /** The tolerance class: F32/F16, BF16 or quantized. */
        Tolerance tolerance() {
            String type = name.substring(family.length() + 1); // "synthK-A-F32" -> "F32"
            if (type.equals("F32") || type.equals("F16")) {
                return new Tolerance(0.03, 0.05, 0.001);
            }
            if (type.equals("BF16")) {
                return new Tolerance(0.1, 0.1, 0.001);
            }
            return new Tolerance(0.6, 0.35, 0.01);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Max abs prompt-end logit difference, the greedy gap threshold, relative perplexity. */
    record Tolerance(double logits, double gap, double perplexity) {
    }

    static List<RefModel> all() {
        List<RefModel> out = new ArrayList<>();
        try (var s = Files.list(root().resolve("stories260K"))) {
            s.filter(p -> p.toString().endsWith(".gguf")).sorted().forEach(p -> out.add(model("stories260K", p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (var s = Files.list(root().resolve("synthK-A").resolve("gguf"))) {
            s.filter(p -> p.toString().endsWith(".gguf")).sorted().forEach(p -> out.add(model("synthK-A", p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static RefModel named(String name) {
        for (RefModel m : all()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no reference model " + name);
    }

    private static RefModel model(String family, Path p) {
        String file = p.getFileName().toString();
        return new RefModel(family, file.substring(0, file.length() - ".gguf".length()), p);
    }

    static Map<String, Object> json(Path p) {
        try {
            return Json.obj(Json.parse(Files.readString(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(Path p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[b.remaining() / 4];
            b.asFloatBuffer().get(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Kernels vector;

    /**
     * The kernels under test: the scalar reference, or with {@code -Dchord.test.kernels=vector} the SIMD
     * kernels (one shared instance; the tests run one at a time), so the same fidelity checks cover both.
     */
    static synchronized Kernels kernels() {
        if (!"vector".equals(System.getProperty("chord.test.kernels"))) {
            return new ScalarKernels();
        }
        if (vector == null) {
            vector = HostKernels.create(2);
        }
        return vector;
    }

    /** A loaded model with a fresh state; close to unmap. */
    static final class Loaded implements AutoCloseable {
        final GgufFile gguf;
        final LanguageModel model;

        Loaded(RefModel m) {
            try {
                this.gguf = GgufFile.open(MappedFile.open(m.gguf()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.model = Models.load(gguf);
        }

        ModelState state(int context) {
            return model.newState(context, kernels());
        }

        /** Logits after each of {@code tokens} (one prefill), vocabSize values per token. */
        float[] allLogits(int[] tokens, int context) {
            int vocab = model.config().vocabSize();
            float[] logits = new float[tokens.length * vocab];
            model.forward(state(context), tokens, 0, tokens.length, tokens.length, logits);
            return logits;
        }

        @Override
        public void close() {
            gguf.close();
        }
    }
}
