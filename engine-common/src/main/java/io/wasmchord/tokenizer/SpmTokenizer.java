package io.wasmchord.tokenizer;

import java.util.List;
import java.util.PriorityQueue;

/**
 * SentencePiece-style tokenizing of a llama vocabulary (llama.cpp's llm_tokenizer_spm): spaces become
 * U+2581, a space is put before text that starts the input or follows a special token, then the adjacent
 * pair whose merged text is the highest-scoring token is merged until none is left. Characters that are no
 * token fall back to their {@code <0xXX>} byte tokens.
 */
final class SpmTokenizer extends VocabTokenizer {
    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
    }

    @Override
    void encodeFragments(List<Fragment> fragments, boolean addSpecial, IntList out) {
        boolean afterSpecial = true;
        if (addSpecial && vocab.addBos) {
            requireToken(vocab.bos, "BOS");
            out.add(vocab.bos);
        }
        for (Fragment f : fragments) {
            if (f.isText()) {
                String text = vocab.addSpacePrefix && afterSpecial ? " " + f.text() : f.text();
                tokenize(text.replace(' ', '\u2581'), out);
                afterSpecial = false;
            } else {
                out.add(f.token());
                afterSpecial = true;
            }
        }
        if (addSpecial && vocab.addEos) {
            requireToken(vocab.eos, "EOS");
            out.add(vocab.eos);
        }
    }

    private record Bigram(int left, int right, float score, int length) {
    }

    void tokenize(String text, IntList out) {
        if (text.isEmpty()) {
            return;
        }
        SymbolChain chain = new SymbolChain(text);
        // best score first; among equals, the leftmost pair
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(4, chain.count),
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < chain.count; i++) {
            offer(chain, queue, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            int leftLength = chain.length[b.left];
            int rightLength = chain.length[b.right];
            if (leftLength == 0 || rightLength == 0 || leftLength + rightLength != b.length) {
                continue; // one side changed since this pair was queued
            }
            chain.merge(b.left, b.right);
            offer(chain, queue, chain.prev[b.left], b.left);
            offer(chain, queue, b.left, chain.next[b.left]);
        }
        for (int i = 0; i != -1; i = chain.next[i]) {
            emit(chain.symbol(i), out);
        }
    }

    private void offer(SymbolChain chain, PriorityQueue<Bigram> queue, int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        String pair = chain.pair(left, right);
        int id = vocab.id(pair);
        if (id != Vocabulary.NONE) {
            queue.add(new Bigram(left, right, vocab.scores[id], pair.length()));
        }
    }

    private void emit(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id != Vocabulary.NONE) {
            out.add(id);
            return;
        }
        for (byte b : Utf8.encode(symbol)) {
            out.add(vocab.byteToken(b & 0xFF));
        }
    }
}
