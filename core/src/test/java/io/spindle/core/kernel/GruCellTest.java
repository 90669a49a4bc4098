package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One GRU step's pass: the formulas, and the SIMD loop's bits against the scalar loop's (rows of H leave a tail). */
class GruCellTest {
    private static final int B = 3, H = 37, N = B * H, T = 1, WIDTH = 3 * H;

    /** gates, recurrent ([T + 2, B, 3H] each), hidden (T + 2 steps of N), then the gradients: gate, recurrent, hidden. */
    private static INDArray[] buffers(int seed) {
        INDArray[] b = new INDArray[6];
        for (int k = 0; k < 6; k++) {
            b[k] = TestArrays.gaussian(seed + k, DataType.FLOAT, (k == 2 || k == 5 ? N : B * WIDTH) * (T + 2));
        }
        return b;
    }

    /** Element of block k, row r, column j of step T in a gate-wide buffer. */
    private static int at(int k, int r, int j) {
        return (T * B + r) * WIDTH + k * H + j;
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    @Test
    void forwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(10), plain = buffers(10), before = buffers(10);
        INDArray recurrentBias = TestArrays.gaussian(41, DataType.FLOAT, H);
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain);
        ByteBuffer bhn = Memory.of(recurrentBias);
        GruCell.forward(f[0], bhn, f[1], f[2], T, B, H);
        GruCell.forwardFloat(p[0], bhn, p[1], p[2], T, B, H, 0);
        for (int k = 0; k < 3; k++) assertArrayEquals(plain[k].toFloatVector(), fast[k].toFloatVector(), "buffer " + k);
        for (int e = 0; e < N; e += 7) {
            int r = e / H, j = e % H, cell = T * N + e;
            double z = sigmoid(before[0].getDouble(at(0, r, j)) + before[1].getDouble(at(0, r, j)));
            double rr = sigmoid(before[0].getDouble(at(1, r, j)) + before[1].getDouble(at(1, r, j)));
            double q = before[1].getDouble(at(2, r, j)) + recurrentBias.getDouble(j);
            double n = Math.tanh(before[0].getDouble(at(2, r, j)) + rr * q);
            assertEquals(z, fast[0].getDouble(at(0, r, j)), 1e-6, "z");
            assertEquals(rr, fast[0].getDouble(at(1, r, j)), 1e-6, "r");
            assertEquals(q, fast[1].getDouble(at(2, r, j)), 1e-6, "q");
            assertEquals(n + z * (before[2].getDouble(cell) - n), fast[2].getDouble(cell + N), 1e-6, "h_t");
        }
    }

    @Test
    void backwardStepMatchesTheFormulasAndTheScalarLoop() {
        for (int t : new int[] {0, T}) {
            INDArray[] fast = buffers(20), plain = buffers(20), before = buffers(20);
            ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain);
            GruCell.backward(f[5], f[0], f[1], f[2], f[3], f[4], t, B, H);
            GruCell.backwardFloat(p[5], p[0], p[1], p[2], p[3], p[4], t, B, H, 0);
            for (int k = 0; k < 6; k++) assertArrayEquals(plain[k].toFloatVector(), fast[k].toFloatVector(), "buffer " + k + ", step " + t);
            if (t != T) continue;
            for (int e = 0; e < N; e += 7) {
                int r = e / H, j = e % H, cell = T * N + e;
                double z = before[0].getDouble(at(0, r, j)), rr = before[0].getDouble(at(1, r, j)), n = before[0].getDouble(at(2, r, j));
                double q = before[1].getDouble(at(2, r, j)), dh = before[5].getDouble(cell), hPrev = before[2].getDouble(cell);
                double dn = dh * (1 - z) * (1 - n * n);
                assertEquals(dh * (hPrev - n) * z * (1 - z), fast[3].getDouble(at(0, r, j)), 1e-4, "dz");
                assertEquals(dn * q * rr * (1 - rr), fast[4].getDouble(at(1, r, j)), 1e-4, "dr, recurrent");
                assertEquals(dn, fast[3].getDouble(at(2, r, j)), 1e-4, "dn");
                assertEquals(dn * rr, fast[4].getDouble(at(2, r, j)), 1e-4, "dq");
                assertEquals(before[5].getDouble(cell - N) + dh * z, fast[5].getDouble(cell - N), 1e-4, "dh_{t-1}, direct path");
            }
        }
    }
}
