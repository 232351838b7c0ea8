package io.wasmchord.quant;

/** A small seeded generator (xorshift64*) so test data is the same on every run. */
final class TestRandom {
    private long state;

    TestRandom(long seed) {
        state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    long nextLong() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return state * 0x2545F4914F6CDD1DL;
    }

    int nextInt(int bound) {
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Uniform in [0, 1). */
    float nextFloat() {
        return (nextLong() >>> 40) * 0x1p-24f;
    }

    /** Roughly normal with mean 0 and standard deviation 1 (sum of uniforms). */
    float nextGaussian() {
        float sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += nextFloat();
        }
        return sum - 6f;
    }

    void nextBytes(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) nextLong();
        }
    }
}
