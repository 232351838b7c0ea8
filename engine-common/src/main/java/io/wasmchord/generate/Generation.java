package io.wasmchord.generate;

import io.wasmchord.model.ModelException;
import io.wasmchord.sample.Sampler;
import io.wasmchord.tokenizer.StreamingDecoder;
import io.wasmchord.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A generation in progress, pulled one text piece at a time ({@link Iterator}): the prompt is
 * computed on the first call, then each step samples a token, streams its text (whole UTF-8
 * characters only, stop strings held back) and feeds it back. Or hand it a callback with
 * {@link #forEachRemaining}. {@link #usage()} tells the cost once it has finished.
 */
public final class Generation implements Iterator<String> {
    private final Session session;
    private final GenerationOptions options;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private final float[] logits;
    private final int[] one = new int[1];
    private final List<String> warnings = new ArrayList<>();
    private final List<Integer> generated = new ArrayList<>();
    private int[] prompt;
    private int reused;
    private long prefillNanos;
    private long decodeNanos;
    private boolean started;
    private StopReason stopReason;
    private String nextPiece;
    private volatile boolean cancelled;

    Generation(Session session, int[] promptTokens, GenerationOptions options) {
        this.session = session;
        this.options = options;
        this.tokenizer = session.tokenizer();
        int vocab = session.model().config().vocabSize();
        this.sampler = new Sampler(options.sampling(), vocab);
        this.decoder = tokenizer.streamingDecoder(false);
        this.stops = new StopStrings(options.stopStrings());
        this.logits = new float[vocab];
        this.prompt = fitPrompt(promptTokens, session.context());
    }

    /** Asks the generation to stop before its next token; safe to call from another thread. */
    public void cancel() {
        cancelled = true;
    }

    public boolean finished() {
        return stopReason != null && nextPiece == null;
    }

    /** Why it stopped, or null while running. */
    public StopReason stopReason() {
        return stopReason;
    }

    /** Notes such as a truncated prompt. */
    public List<String> warnings() {
        return warnings;
    }

    /** The prompt tokens as run (after any truncation). */
    public int[] promptTokens() {
        return prompt.clone();
    }

    /** The tokens generated so far (an end-of-generation token is not included). */
    public int[] generatedTokens() {
        int[] out = new int[generated.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = generated.get(i);
        }
        return out;
    }

    public Usage usage() {
        return new Usage(prompt.length, reused, generated.size(), prefillNanos, decodeNanos, stopReason);
    }

    /** Runs to the end, streaming text to {@code sink}; returns the whole generated text. */
    public String collect(java.util.function.Consumer<String> sink) {
        StringBuilder sb = new StringBuilder();
        while (hasNext()) {
            String piece = next();
            sb.append(piece);
            if (sink != null) {
                sink.accept(piece);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean hasNext() {
        while (nextPiece == null && stopReason == null) {
            step();
        }
        return nextPiece != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended (" + stopReason + ")");
        }
        String piece = nextPiece;
        nextPiece = null;
        return piece;
    }

    /** Produces one token (the prompt first), possibly leaving a text piece in {@code nextPiece}. */
    private void step() {
        if (cancelled) {
            finish(StopReason.CANCELLED);
            return;
        }
        boolean maxReached = options.maxTokens() >= 0 && generated.size() >= options.maxTokens();
        if (started && maxReached) {
            finish(StopReason.MAX_TOKENS);
            return;
        }
        if (!started) {
            started = true;
            long t0 = System.nanoTime();
            reused = session.reusePrefix(prompt);
            session.run(prompt, reused, prompt.length - reused, logits);
            prefillNanos = System.nanoTime() - t0;
            for (int t : prompt) {
                sampler.accept(t);
            }
            if (maxReached) {
                finish(StopReason.MAX_TOKENS);
                return;
            }
        } else {
            if (session.state().length() >= session.context()) {
                finish(StopReason.CONTEXT_FULL);
                return;
            }
            long t0 = System.nanoTime();
            session.run(one, 0, 1, logits);
            decodeNanos += System.nanoTime() - t0;
        }
        int token = sampler.sample(logits, 0);
        if (!options.ignoreEos() && tokenizer.isEndOfGeneration(token)) {
            finish(StopReason.END_OF_TEXT);
            return;
        }
        sampler.accept(token);
        generated.add(token);
        one[0] = token;
        String text = stops.accept(decoder.accept(token));
        if (!text.isEmpty()) {
            nextPiece = text;
        }
        if (stops.stopped()) {
            stopReason = StopReason.STOP_STRING;
        }
    }

    private void finish(StopReason reason) {
        stopReason = reason;
        String rest = reason == StopReason.STOP_STRING ? "" : stops.accept(decoder.finish()) + stops.flush();
        if (!rest.isEmpty()) {
            nextPiece = rest;
        }
    }

    private int[] fitPrompt(int[] tokens, int context) {
        int room = context - 1; // leave a position for at least one generated token
        if (tokens.length <= room) {
            return tokens;
        }
        if (!options.truncatePrompt()) {
            throw new ModelException("the prompt is " + tokens.length + " tokens, more than the context of "
                    + context + " holds (with room for one generated token); use a larger context or a shorter prompt");
        }
        boolean bos = tokens[0] == tokenizer.bos() && tokenizer.bos() >= 0;
        int keepFront = bos ? 1 : 0;
        int[] out = new int[room];
        if (bos) {
            out[0] = tokens[0];
        }
        System.arraycopy(tokens, tokens.length - (room - keepFront), out, keepFront, room - keepFront);
        warnings.add("the prompt was " + tokens.length + " tokens; its first " + (tokens.length - room)
                + " tokens after BOS were dropped to fit the context of " + context);
        return out;
    }
}
