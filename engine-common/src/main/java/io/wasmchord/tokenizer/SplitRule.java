package io.wasmchord.tokenizer;

/** One step of a pre-tokenizer: it splits every piece of the text further, on its own. */
interface SplitRule {
    /**
     * Splits each piece of {@code text} (consecutive lengths in {@code pieces}, in code points) and
     * appends the lengths of the finer pieces to {@code out}.
     */
    void split(SplitText text, IntList pieces, IntList out);
}
