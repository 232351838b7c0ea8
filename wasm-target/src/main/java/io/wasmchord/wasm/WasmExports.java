package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.tokenizer.Tokenizers;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The functions the WebAssembly module exports to JavaScript. Everything engine-common offers a
 * browser is reached from here, so TeaVM compiles (and checks) all of it on every build.
 */
public final class WasmExports {
    private WasmExports() {
    }

    /**
     * Nothing runs at start-up: JavaScript calls the exported functions. The branch below is never taken;
     * it makes all of engine-common reachable, so TeaVM compiles and checks every member of it (see
     * build-tools/ReachEverything.java).
     */
    public static void main(String[] args) {
        if (args != null && args.length == 1 && "--reach-everything-at-compile-time".equals(args[0])) {
            io.wasmchord.wasm.generated.ReachEverything.reach();
        }
    }

    /** Starts loading a model: JavaScript adds its file(s), fills them, then opens them. */
    @JSExport
    public static ModelFiles newModelFiles() {
        return new ModelFiles();
    }

    /** Opens a GGUF file whose bytes JavaScript hands over whole (small files: tests, vocabularies). */
    @JSExport
    public static GgufInfo openGguf(String name, Int8Array bytes) {
        return new GgufInfo(GgufFile.open(new ByteArraySource(name, bytes.copyToJavaArray())));
    }

    /**
     * For the tests: the SIMD kernel of tensor type {@code type} against the scalar one on a random
     * {@code rows} x {@code cols} matrix and {@code n} activation rows, as JSON (see KernelCheck).
     */
    @JSExport
    public static String checkSimdKernel(String type, int rows, int cols, int n, int seed, int chunkShift) {
        return KernelCheck.compare(type, rows, cols, n, seed, chunkShift);
    }

    /** For the tests: the Wasm attention against the reference on random data, as JSON (see KernelCheck). */
    @JSExport
    public static String checkAttention(int heads, int kvHeads, int headDim, int length, int seed) {
        return KernelCheck.compareAttention(heads, kvHeads, headDim, length, seed);
    }

    /** The tokenizer of a GGUF file (a model or a vocabulary-only file) whose bytes JavaScript hands over. */
    @JSExport
    public static WasmTokenizer openTokenizer(String name, Int8Array bytes) {
        return new WasmTokenizer(Tokenizers.fromGguf(GgufFile.open(new ByteArraySource(name, bytes.copyToJavaArray()))));
    }
}
