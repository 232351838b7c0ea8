package io.wasmchord.host.kernels;

import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.GgmlType;

/** Run by {@link HostKernelsTest} in a JVM without jdk.incubator.vector. */
public final class NoVectorMain {
    public static void main(String[] args) {
        Kernels k = HostKernels.create(2);
        HostKernels.create(2); // the warning is printed once only
        System.out.println("kernels: " + HostKernels.describe(k));
        byte[] w = new byte[4 * 4];
        for (int i = 0; i < 4; i++) {
            LittleEndian.putFloat(w, 4 * i, i + 1);
        }
        float[] out = new float[1];
        k.matmul(new WeightMatrix("w", GgmlType.F32, 1, 4, new ByteArraySource("w", w)), new float[] {1, 2, 3, 4}, out, 1);
        System.out.println("result: " + out[0]);
    }
}
