package io.wasmchord.tokenizer;

/**
 * Turns generated tokens into text as they come. A token may end inside a UTF-8 character (byte-fallback
 * and byte-level vocabularies split emoji and CJK characters over several tokens); its bytes are held
 * back until the character is complete, so every string returned is whole characters. Not thread-safe.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final Utf8.ByteBuffer pending = new Utf8.ByteBuffer();

    StreamingDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds a token; returns the text it completes, possibly empty. */
    public String accept(int id) {
        pending.add(tokenizer.pieceBytes(id, renderSpecial));
        int complete = completePrefix();
        if (complete == 0) {
            return "";
        }
        String text = pending.decode(complete);
        pending.dropFront(complete);
        return text;
    }

    /** Whatever is still held back, bytes of an unfinished character shown as U+FFFD; then empty. */
    public String finish() {
        String text = pending.decode(pending.size());
        pending.truncate(0);
        return text;
    }

    /** Bytes held back because they begin a character that has not ended yet. */
    public int pendingBytes() {
        return pending.size();
    }

    /** The length of the pending bytes without a trailing, still incomplete, UTF-8 sequence. */
    private int completePrefix() {
        int n = pending.size();
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = pending.get(n - back) & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            boolean lead = b >= 0xC2 && b <= 0xF4;
            int needed = lead ? Utf8.sequenceLength(b) : 1;
            return back < needed ? n - back : n;
        }
        return n;
    }
}
