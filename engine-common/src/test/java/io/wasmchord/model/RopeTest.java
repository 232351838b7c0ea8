package io.wasmchord.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RoPE pairs and angles as ggml defines them (mode 0 adjacent pairs, mode 2 NeoX halves). */
class RopeTest {
    private static float[] unit(int dim, int at) {
        float[] x = new float[dim];
        x[at] = 1f;
        return x;
    }

    @Test
    void normalStyleRotatesAdjacentPairs() {
        Rope r = new Rope(RopeStyle.NORMAL, 8, 10000f, 1f, null);
        r.setPositions(3, 1);
        float[] x = unit(8, 2); // first element of pair 1, angle 3 * 10000^(-2/8)
        r.apply(x, 0, 1, 8, 0);
        double theta = 3 * Math.pow(10000, -2.0 / 8);
        assertEquals(Math.cos(theta), x[2], 1e-6);
        assertEquals(Math.sin(theta), x[3], 1e-6);
        assertEquals(0f, x[6]);
    }

    @Test
    void neoxStyleRotatesHalves() {
        Rope r = new Rope(RopeStyle.NEOX, 8, 10000f, 1f, null);
        r.setPositions(3, 1);
        float[] x = unit(8, 1); // pairs (1, 5), angle 3 * 10000^(-2/8)
        r.apply(x, 0, 1, 8, 0);
        double theta = 3 * Math.pow(10000, -2.0 / 8);
        assertEquals(Math.cos(theta), x[1], 1e-6);
        assertEquals(Math.sin(theta), x[5], 1e-6);
        assertEquals(0f, x[2]);
    }

    @Test
    void onlyTheFirstRopeDimensionsTurnAndLinearScalingSlowsPositions() {
        Rope partial = new Rope(RopeStyle.NEOX, 4, 10000f, 1f, null);
        partial.setPositions(5, 1);
        float[] x = unit(8, 6);
        partial.apply(x, 0, 1, 8, 0);
        assertEquals(1f, x[6]); // beyond the 4 rotated dimensions

        Rope scaled = new Rope(RopeStyle.NORMAL, 8, 10000f, 0.25f, null);
        Rope plain = new Rope(RopeStyle.NORMAL, 8, 10000f, 1f, null);
        scaled.setPositions(8, 1);
        plain.setPositions(2, 1);
        float[] a = unit(8, 0);
        float[] b = unit(8, 0);
        scaled.apply(a, 0, 1, 8, 0);
        plain.apply(b, 0, 1, 8, 0);
        assertEquals(b[0], a[0], 1e-6);
        assertEquals(b[1], a[1], 1e-6);
    }

    @Test
    void frequencyFactorsDivideTheAngle() {
        float[] factors = {2f, 1f, 1f, 1f};
        Rope r = new Rope(RopeStyle.NORMAL, 8, 10000f, 1f, factors);
        r.setPositions(4, 1);
        float[] x = unit(8, 0);
        r.apply(x, 0, 1, 8, 0);
        assertEquals(Math.cos(2), x[0], 1e-6);
        assertEquals(Math.sin(2), x[1], 1e-6);
    }

    @Test
    void aBatchTableRotatesEachRowAsItsOwnPosition() {
        float[] factors = {1f, 1.5f, 2f, 4f};
        Rope batch = new Rope(RopeStyle.NEOX, 8, 500000f, 0.5f, factors);
        Rope single = new Rope(RopeStyle.NEOX, 8, 500000f, 0.5f, factors);
        batch.setPositions(11, 5);
        for (int r = 0; r < 5; r++) {
            float[] a = new float[16];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) Math.sin(i + r);
            }
            float[] b = a.clone();
            batch.apply(a, 0, 2, 8, r);
            single.setPositions(11 + r, 1);
            single.apply(b, 0, 2, 8, 0);
            assertArrayEquals(b, a, "row " + r);
        }
    }
}
