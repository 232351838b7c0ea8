package io.wasmchord.wasm;

import org.teavm.interop.Address;
import org.teavm.runtime.heap.Heap;

/** A block of linear memory outside the Java heap that the SIMD kernels read or write; grown, never shrunk. */
final class LinearScratch {
    private int address;
    private int capacity;

    /** The address of at least {@code bytes} bytes; earlier contents are lost when it grows. */
    int reserve(int bytes) {
        if (bytes > capacity) {
            if (address != 0) {
                Heap.release(Address.fromInt(address));
                address = 0;
                capacity = 0;
            }
            int size = Math.max(bytes, 2 * capacity);
            Address a = Heap.alloc(size);
            if (a == null || a.toInt() == 0) {
                throw new IllegalStateException("out of WebAssembly memory for " + size + " bytes of kernel scratch");
            }
            address = a.toInt();
            capacity = size;
        }
        return address;
    }

    /** Copies {@code src[0, length)} in and returns the address. */
    int write(byte[] src, int length) {
        int at = reserve(length);
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            Address.fromInt(at + i).putInt((src[i] & 0xFF) | (src[i + 1] & 0xFF) << 8 | (src[i + 2] & 0xFF) << 16
                    | src[i + 3] << 24);
        }
        for (; i < length; i++) {
            Address.fromInt(at + i).putByte(src[i]);
        }
        return at;
    }

    /** Releases the memory; the scratch can be used again (it allocates anew). */
    void release() {
        if (address != 0) {
            Heap.release(Address.fromInt(address));
            address = 0;
            capacity = 0;
        }
    }
}
