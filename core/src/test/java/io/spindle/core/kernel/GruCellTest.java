package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One GRU step's pass: the formulas, and the SIMD loop's bits against the scalar loop's (n leaves a tail). */
class GruCellTest {
    private static final int N = 3 * 37, T = 1;

    /** Eight buffers of T + 2 steps of N. */
    private static INDArray[] buffers(int seed) {
        return KernelRuns.gaussians(seed, 8, (T + 2) * N);
    }

    @Test
    void forwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(10), plain = buffers(10), before = buffers(10);   // z, r, n, q, hidden
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain);
        GruCell.forward(f[0], f[1], f[2], f[3], f[4], T, N);
        GruCell.forwardFloat(p[0], p[1], p[2], p[3], p[4], T, N, 0);
        for (int k = 0; k < 5; k++) assertArrayEquals(plain[k].toFloatVector(), fast[k].toFloatVector(), "buffer " + k);
        for (int e = 0; e < N; e += 7) {
            int at = T * N + e;
            double z = 1 / (1 + Math.exp(-2 * before[0].getDouble(at))), r = 1 / (1 + Math.exp(-2 * before[1].getDouble(at)));
            double n = Math.tanh(before[2].getDouble(at) + r * before[3].getDouble(at));
            assertEquals(n + z * (before[4].getDouble(at) - n), fast[4].getDouble(at + N), 1e-6, "h_t");
        }
    }

    @Test
    void backwardStepMatchesTheScalarLoop() {
        for (int t : new int[] {0, T}) {
            INDArray[] fast = buffers(20), plain = buffers(20);   // hiddenGrad, factors z r n, z, r, then 2 spare
            INDArray[] fastGrads = buffers(40), plainGrads = buffers(40);   // dz, dr, dn, dq
            ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain), fg = KernelRuns.memory(fastGrads), pg = KernelRuns.memory(plainGrads);
            GruCell.backward(f[0], new ByteBuffer[] {f[1], f[2], f[3]}, f[4], f[5], new ByteBuffer[] {fg[0], fg[1], fg[2]}, fg[3], t, N);
            GruCell.backwardFloat(p[0], new ByteBuffer[] {p[1], p[2], p[3]}, p[4], p[5], new ByteBuffer[] {pg[0], pg[1], pg[2]}, pg[3], t, N, 0);
            assertArrayEquals(plain[0].toFloatVector(), fast[0].toFloatVector(), "hidden gradients, step " + t);
            for (int k = 0; k < 4; k++) assertArrayEquals(plainGrads[k].toFloatVector(), fastGrads[k].toFloatVector(), "gradient " + k + ", step " + t);
        }
    }
}
