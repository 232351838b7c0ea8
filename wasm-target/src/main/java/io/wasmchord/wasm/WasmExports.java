package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteArraySource;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The functions the WebAssembly module exports to JavaScript. Everything engine-common offers a
 * browser is reached from here, so TeaVM compiles (and checks) all of it on every build.
 */
public final class WasmExports {
    private WasmExports() {
    }

    public static void main(String[] args) {
        // Nothing to run at start-up: JavaScript calls the exported functions.
    }

    /** Opens a GGUF file whose bytes JavaScript hands over whole (small files: tests, vocabularies). */
    @JSExport
    public static GgufInfo openGguf(String name, Int8Array bytes) {
        return new GgufInfo(GgufFile.open(new ByteArraySource(name, bytes.copyToJavaArray())));
    }
}
