package io.wasmchord.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    /** logits 0..n-1 with token i having logit i * step: higher ids more likely. */
    private static float[] ramp(int n, float step) {
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = i * step;
        }
        return l;
    }

    private static SamplingParams plain(float temp) {
        return new SamplingParams(temp, 0, 1f, 0f, 1f, 1f, 0f, 0f, 64, Map.of(), 1);
    }

    private static Set<Integer> drawn(SamplingParams p, float[] logits, int draws) {
        Sampler s = new Sampler(p, logits.length);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < draws; i++) {
            seen.add(s.sample(logits, 0));
        }
        return seen;
    }

    @Test
    void greedyTakesTheHighestLogitAndTheLowestIdOnTies() {
        float[] l = {1f, 5f, 3f, 5f};
        assertEquals(1, new Sampler(SamplingParams.greedy(), 4).sample(l, 0));
    }

    @Test
    void drawsFollowTheSoftmax() {
        float[] l = {0f, (float) Math.log(3)}; // probabilities 1/4 and 3/4
        Sampler s = new Sampler(plain(1f), 2);
        int ones = 0;
        int n = 40000;
        for (int i = 0; i < n; i++) {
            ones += s.sample(l, 0);
        }
        assertEquals(0.75, ones / (double) n, 0.01);
    }

    @Test
    void temperatureSharpensAndFlattens() {
        float[] l = {0f, 1f};
        int n = 20000;
        int cold = 0;
        int hot = 0;
        Sampler c = new Sampler(plain(0.25f), 2);
        Sampler h = new Sampler(plain(4f), 2);
        for (int i = 0; i < n; i++) {
            cold += c.sample(l, 0);
            hot += h.sample(l, 0);
        }
        // p(1) = sigmoid(1 / T)
        assertEquals(1 / (1 + Math.exp(-4)), cold / (double) n, 0.01);
        assertEquals(1 / (1 + Math.exp(-0.25)), hot / (double) n, 0.015);
    }

    @Test
    void topKKeepsOnlyTheKBest() {
        Set<Integer> seen = drawn(plain(1f).withTopK(3), ramp(10, 0.1f), 2000);
        assertEquals(Set.of(7, 8, 9), seen);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // probabilities 0.5, 0.25, 0.125, 0.125 (ids 3, 2, 1, 0)
        float ln2 = (float) Math.log(2);
        float[] l = {0f, 0f, ln2, 2 * ln2};
        assertEquals(Set.of(3, 2), drawn(plain(1f).withTopP(0.7f), l, 2000));
        assertEquals(Set.of(3), drawn(plain(1f).withTopP(0.5f), l, 2000));
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        float ln2 = (float) Math.log(2);
        float[] l = {0f, ln2, 2 * ln2, 3 * ln2}; // relative likelihoods 1, 2, 4, 8
        assertEquals(Set.of(3, 2), drawn(plain(1f).withMinP(0.5f), l, 2000));
        assertEquals(Set.of(3, 2, 1), drawn(plain(1f).withMinP(0.2f), l, 2000));
    }

    @Test
    void typicalSamplingKeepsTokensWhoseSurpriseIsNearTheEntropy() {
        // p = 0.5, 0.3, 0.2: entropy 1.03 nats; surprises 0.69, 1.20, 1.61, so token 1 is the most typical
        float[] l = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        assertEquals(Set.of(1), drawn(plain(1f).withTypicalP(0.25f), l, 2000));
        assertEquals(Set.of(1, 0), drawn(plain(1f).withTypicalP(0.7f), l, 2000));
    }

    @Test
    void repetitionPenaltiesFollowLlamaCpp() {
        Candidates c = new Candidates(3);
        c.reset(new float[] {2f, -2f, 2f}, 0, 3);
        TokenHistory h = new TokenHistory(8);
        h.add(0);
        h.add(1);
        h.add(0);
        new Penalties(2f, 0.5f, 0.25f).apply(c, h);
        assertEquals(2f / 2 - 2 * 0.5f - 0.25f, c.logit(0), 1e-6);
        assertEquals(-2f * 2 - 0.5f - 0.25f, c.logit(1), 1e-6);
        assertEquals(2f, c.logit(2), 1e-6);
    }

    @Test
    void penaltyWindowForgetsOldTokens() {
        TokenHistory h = new TokenHistory(2);
        h.add(5);
        h.add(6);
        h.add(7);
        assertEquals(2, h.size());
        assertEquals(7, h.recent(0));
        assertEquals(6, h.recent(1));
    }

    @Test
    void logitBiasCanBanAToken() {
        float[] l = {0f, 10f, 0f};
        Sampler s = new Sampler(SamplingParams.greedy().withLogitBias(Map.of(1, Float.NEGATIVE_INFINITY)), 3);
        assertNotEquals(1, s.sample(l, 0));
    }

    @Test
    void sortingKeepsEveryTokenWithItsLogit() {
        Candidates c = new Candidates(6);
        float[] l = {-1.5f, 3f, 0f, -0f, 3f, Float.NEGATIVE_INFINITY};
        c.reset(l, 0, 6);
        c.sort();
        int[] order = new int[6];
        for (int i = 0; i < 6; i++) {
            order[i] = c.id(i);
            assertEquals(l[c.id(i)], c.logit(i));
        }
        assertEquals(1, order[0]);
        assertEquals(4, order[1]);
        assertEquals(5, order[5]);
    }

    @Test
    void theRngIsDeterministicAndUniform() {
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        double sum = 0;
        for (int i = 0; i < 100000; i++) {
            double x = a.nextDouble();
            assertEquals(x, b.nextDouble());
            assertTrue(x >= 0 && x < 1);
            sum += x;
        }
        assertEquals(0.5, sum / 100000, 0.005);
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
    }
}
