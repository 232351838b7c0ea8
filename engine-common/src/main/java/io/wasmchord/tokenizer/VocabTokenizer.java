package io.wasmchord.tokenizer;

import java.util.List;

/**
 * What the three tokenizers share: special-token partitioning, pieces, detokenizing. Subclasses turn the
 * fragments into ids, adding BOS/EOS by their own rules.
 */
abstract class VocabTokenizer implements Tokenizer {
    final Vocabulary vocab;

    VocabTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    @Override
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<Fragment> fragments = SpecialTokenSplitter.partition(vocab, text, parseSpecial);
        IntList out = new IntList(Math.max(16, text.length() / 3));
        encodeFragments(fragments, addSpecial, out);
        return out.toArray();
    }

    abstract void encodeFragments(List<Fragment> fragments, boolean addSpecial, IntList out);

    void requireToken(int id, String what) {
        if (id == Vocabulary.NONE) {
            throw new TokenizerException("the vocabulary has no " + what + " token");
        }
    }

    @Override
    public final String decode(int[] ids, boolean removeSpecial, boolean renderSpecial) {
        return Detokenizer.decode(vocab, ids, removeSpecial, renderSpecial);
    }

    @Override
    public final byte[] pieceBytes(int id, boolean renderSpecial) {
        checkId(id);
        return Pieces.shown(vocab, id, renderSpecial).clone();
    }

    @Override
    public final String piece(int id) {
        checkId(id);
        return new String(vocab.pieces[id], java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public final String tokenText(int id) {
        checkId(id);
        return vocab.texts[id];
    }

    @Override
    public final int tokenAttributes(int id) {
        checkId(id);
        return vocab.attrs[id];
    }

    void checkId(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + vocab.size());
        }
    }

    @Override
    public final int vocabSize() {
        return vocab.size();
    }

    @Override
    public final int bos() {
        return vocab.bos;
    }

    @Override
    public final int eos() {
        return vocab.eos;
    }

    @Override
    public final boolean addsBos() {
        return vocab.addBos;
    }

    @Override
    public final boolean addsEos() {
        return vocab.addEos;
    }

    @Override
    public final boolean isEndOfGeneration(int id) {
        return vocab.endOfGeneration.contains(id);
    }

    @Override
    public final String kind() {
        return vocab.kind.name();
    }
}
