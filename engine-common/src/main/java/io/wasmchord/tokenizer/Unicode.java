package io.wasmchord.tokenizer;

/**
 * The Unicode properties the tokenizers need, as llama.cpp defines them (src/unicode.h): one general
 * category class per code point, the White_Space property, simple lowercase mapping, and the first code
 * point of the canonical decomposition (what llama.cpp calls NFD). The data come from
 * {@link UnicodeTables}, generated from the JDK's Unicode tables, so the WebAssembly build does not depend
 * on TeaVM's own (older, partial) character data.
 */
public final class Unicode {
    public static final int UNDEFINED = 0x0001;
    public static final int NUMBER = 0x0002;
    public static final int LETTER = 0x0004;
    public static final int SEPARATOR = 0x0008;
    public static final int ACCENT_MARK = 0x0010;
    public static final int PUNCTUATION = 0x0020;
    public static final int SYMBOL = 0x0040;
    public static final int CONTROL = 0x0080;
    /** The category bits; exactly one is set for every code point. */
    public static final int CATEGORIES = 0x00FF;
    public static final int WHITESPACE = 0x0100;

    public static final int MAX_CODE_POINT = 0x10FFFF;

    private static final int FAST = 0x800;
    private static final short[] FAST_FLAGS = new short[FAST];
    private static final int[] FLAG_STARTS;
    private static final short[] FLAG_VALUES;
    private static final int[] LOWER_START;
    private static final int[] LOWER_COUNT;
    private static final int[] LOWER_STEP;
    private static final int[] LOWER_OFFSET;
    private static final int[] NFD_START;
    private static final int[] NFD_END;
    private static final int[] NFD_VALUE;

    static {
        int[] runs = PackedInts.decode(UnicodeTables.FLAG_RUNS);
        FLAG_STARTS = new int[runs.length / 2];
        FLAG_VALUES = new short[runs.length / 2];
        int cp = 0;
        for (int i = 0; i < FLAG_STARTS.length; i++) {
            FLAG_STARTS[i] = cp;
            FLAG_VALUES[i] = (short) runs[2 * i + 1];
            int end = cp + runs[2 * i];
            for (int c = cp; c < Math.min(end, FAST); c++) {
                FAST_FLAGS[c] = FLAG_VALUES[i];
            }
            cp = end;
        }
        if (cp != MAX_CODE_POINT + 1) {
            throw new IllegalStateException("Unicode flag table covers " + cp + " code points");
        }

        int[] lower = PackedInts.decode(UnicodeTables.LOWER_RUNS);
        int n = lower.length / 4;
        LOWER_START = new int[n];
        LOWER_COUNT = new int[n];
        LOWER_STEP = new int[n];
        LOWER_OFFSET = new int[n];
        cp = 0;
        for (int i = 0; i < n; i++) {
            cp += lower[4 * i];
            LOWER_START[i] = cp;
            LOWER_COUNT[i] = lower[4 * i + 1];
            LOWER_STEP[i] = lower[4 * i + 2];
            LOWER_OFFSET[i] = PackedInts.unzigzag(lower[4 * i + 3]);
        }

        int[] nfd = PackedInts.decode(UnicodeTables.NFD_RUNS);
        n = nfd.length / 3;
        NFD_START = new int[n];
        NFD_END = new int[n];
        NFD_VALUE = new int[n];
        cp = 0;
        for (int i = 0; i < n; i++) {
            cp += nfd[3 * i];
            NFD_START[i] = cp;
            NFD_END[i] = cp + nfd[3 * i + 1];
            NFD_VALUE[i] = cp + PackedInts.unzigzag(nfd[3 * i + 2]);
        }
    }

    private Unicode() {
    }

    /** The category bit and the WHITESPACE bit of {@code cp}; UNDEFINED outside the code space. */
    public static int flags(int cp) {
        if (cp >= 0 && cp < FAST) {
            return FAST_FLAGS[cp];
        }
        if (cp < 0 || cp > MAX_CODE_POINT) {
            return UNDEFINED;
        }
        return FLAG_VALUES[lastAtOrBelow(FLAG_STARTS, FLAG_STARTS.length, cp)];
    }

    public static boolean isWhitespace(int cp) {
        return (flags(cp) & WHITESPACE) != 0;
    }

    /** The simple (one code point) lowercase mapping from UnicodeData.txt; {@code cp} itself if none. */
    public static int toLower(int cp) {
        if (cp < 0x80) {
            return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        }
        int i = lastAtOrBelow(LOWER_START, LOWER_START.length, cp);
        if (i < 0) {
            return cp;
        }
        int delta = cp - LOWER_START[i];
        if (delta % LOWER_STEP[i] == 0 && delta / LOWER_STEP[i] < LOWER_COUNT[i]) {
            return cp + LOWER_OFFSET[i];
        }
        return cp;
    }

    /** The first code point of the canonical decomposition of {@code cp} (a base letter for accented ones). */
    public static int decompositionHead(int cp) {
        if (cp < 0xC0) {
            return cp;
        }
        int i = lastAtOrBelow(NFD_START, NFD_START.length, cp);
        return i >= 0 && cp < NFD_END[i] ? NFD_VALUE[i] : cp;
    }

    /** Index of the last element of sorted {@code a[0, n)} that is at most {@code key}, or -1. */
    private static int lastAtOrBelow(int[] a, int n, int key) {
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
