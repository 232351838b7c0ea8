package io.wasmchord.io;

import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through and counts them, so writers can check sizes and pad to alignments. */
public class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    private long count;

    public CountingOutputStream(OutputStream out) {
        this.out = out;
    }

    /** Bytes written through this stream so far. */
    public final long count() {
        return count;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
