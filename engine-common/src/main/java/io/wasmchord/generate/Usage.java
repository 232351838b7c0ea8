package io.wasmchord.generate;

/**
 * What a generation cost: prompt tokens (of which {@code reusedTokens} came from the cache of the
 * previous turn and were not recomputed), generated tokens, and the time spent on each phase.
 */
public record Usage(int promptTokens, int reusedTokens, int generatedTokens, long prefillNanos, long decodeNanos,
                    StopReason stopReason) {

    /** Prompt tokens actually computed per second of prefill. */
    public double prefillTokensPerSecond() {
        return rate(promptTokens - reusedTokens, prefillNanos);
    }

    /** Generated tokens per second of decoding (the first one comes from prefill logits). */
    public double decodeTokensPerSecond() {
        return rate(Math.max(generatedTokens - 1, 0), decodeNanos);
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }

    @Override
    public String toString() {
        return "prompt " + promptTokens + " tokens (" + reusedTokens + " reused, " + fmt(prefillTokensPerSecond())
                + " tok/s), generated " + generatedTokens + " tokens (" + fmt(decodeTokensPerSecond()) + " tok/s), stop: "
                + stopReason.name().toLowerCase();
    }

    private static String fmt(double v) {
        return Double.toString(Math.floor(v * 10 + 0.5) / 10);
    }
}
