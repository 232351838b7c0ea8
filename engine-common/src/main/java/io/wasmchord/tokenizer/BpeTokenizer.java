package io.wasmchord.tokenizer;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Byte-level BPE (llama.cpp's llm_tokenizer_bpe): the pre-tokenizer splits text into words, each word's
 * UTF-8 bytes are spelled in GPT-2's byte alphabet, and within a word the adjacent pair with the lowest
 * merge rank is merged until no ranked pair is left.
 */
final class BpeTokenizer extends VocabTokenizer {
    BpeTokenizer(Vocabulary vocab) {
        super(vocab);
    }

    @Override
    void encodeFragments(List<Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial && vocab.addBos) {
            requireToken(vocab.bos, "BOS");
            out.add(vocab.bos);
        }
        for (Fragment f : fragments) {
            if (f.isText()) {
                tokenize(f.text(), out);
            } else {
                out.add(f.token());
            }
        }
        if (addSpecial && vocab.addEos) {
            requireToken(vocab.eos, "EOS");
            out.add(vocab.eos);
        }
    }

    private record Bigram(int left, int right, String text, int rank) {
    }

    void tokenize(String text, IntList out) {
        for (String word : vocab.preTokenizer.split(text)) {
            tokenizeWord(ByteLevel.encode(word), out);
        }
    }

    private void tokenizeWord(String word, IntList out) {
        SymbolChain chain = vocab.ignoreMerges && vocab.id(word) != Vocabulary.NONE
                ? SymbolChain.whole(word) : new SymbolChain(word);
        // lowest rank first; among equals, the leftmost pair
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(4, chain.count),
                (a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < chain.count; i++) {
            offer(chain, queue, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (chain.length[b.left] == 0 || chain.length[b.right] == 0) {
                continue;
            }
            if (!chain.symbol(b.left).concat(chain.symbol(b.right)).equals(b.text)) {
                continue; // outdated: a neighbour merged since this pair was queued
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
        String l = chain.symbol(left);
        String r = chain.symbol(right);
        int rank = vocab.mergeRank(l, r);
        if (rank >= 0) {
            queue.add(new Bigram(left, right, l.concat(r), rank));
        }
    }

    private void emit(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id != Vocabulary.NONE) {
            out.add(id);
            return;
        }
        // llama.cpp then looks up each byte of the symbol's UTF-8 text alone: only ASCII can be a token
        for (int i = 0; i < symbol.length(); i++) {
            char c = symbol.charAt(i);
            if (c < 0x80) {
                int single = vocab.id(String.valueOf(c));
                if (single != Vocabulary.NONE) {
                    out.add(single);
                }
            }
        }
    }
}
