package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One LSTM step's pass: the formulas, and the SIMD loop's bits against the scalar loop's (rows of H leave a tail). */
class LstmCellTest {
    private static final int B = 3, H = 37, N = B * H, T = 1, WIDTH = 4 * H;

    /** The gates [T + 2, B, 4H], then cells, cellTanh and hidden (or dh, cells, cellTanh): T + 2 steps of N. */
    private static INDArray[] buffers(int seed) {
        INDArray[] b = new INDArray[4];
        b[0] = TestArrays.gaussian(seed, DataType.FLOAT, (T + 2) * B * WIDTH);
        for (int k = 1; k < 4; k++) b[k] = TestArrays.gaussian(seed + k, DataType.FLOAT, (T + 2) * N);
        return b;
    }

    /** Element of gate k, row r, column j of step T in the gate buffer. */
    private static int gateAt(int k, int r, int j) {
        return (T * B + r) * WIDTH + k * H + j;
    }

    @Test
    void forwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(10), plain = buffers(10), before = buffers(10);
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain);
        LstmCell.forward(f[0], f[1], f[2], f[3], T, B, H);
        LstmCell.forwardFloat(p[0], p[1], p[2], p[3], T, B, H, 0);
        for (int k = 0; k < 4; k++) assertArrayEquals(plain[k].toFloatVector(), fast[k].toFloatVector(), "buffer " + k);
        for (int e = 0; e < N; e += 7) {
            int r = e / H, j = e % H, at = T * N + e;
            double[] a = new double[4];
            for (int k = 0; k < 4; k++) a[k] = before[0].getDouble(gateAt(k, r, j));
            double i = sigmoid(a[0]), fg = sigmoid(a[1]), o = sigmoid(a[2]), g = Math.tanh(a[3]);
            double c = fg * before[1].getDouble(at) + i * g;
            assertEquals(i, fast[0].getDouble(gateAt(0, r, j)), 1e-6, "i");
            assertEquals(o, fast[0].getDouble(gateAt(2, r, j)), 1e-6, "o");
            assertEquals(g, fast[0].getDouble(gateAt(3, r, j)), 1e-6, "g");
            assertEquals(c, fast[1].getDouble(at + N), 1e-6, "c_t");
            assertEquals(o * Math.tanh(c), fast[3].getDouble(at + N), 1e-6, "h_t");
            assertEquals(before[1].getDouble(at), fast[1].getDouble(at), 0, "c_{t-1} is left alone");
        }
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    @Test
    void backwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(20), plain = buffers(20), before = buffers(20);   // gates, dh, cells, cellTanh
        INDArray fastGrads = TestArrays.gaussian(30, DataType.FLOAT, (T + 2) * B * WIDTH), plainGrads = fastGrads.dup();
        INDArray fastCarry = TestArrays.gaussian(31, DataType.FLOAT, N), plainCarry = fastCarry.dup(), carryBefore = fastCarry.dup();
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain);
        LstmCell.backward(f[1], f[0], f[2], f[3], Memory.of(fastCarry), Memory.of(fastGrads), T, B, H);
        LstmCell.backwardFloat(p[1], p[0], p[2], p[3], Memory.of(plainCarry), Memory.of(plainGrads), T, B, H, 0);
        assertArrayEquals(plainCarry.toFloatVector(), fastCarry.toFloatVector(), "carried cell gradient");
        assertArrayEquals(plainGrads.toFloatVector(), fastGrads.toFloatVector(), "gate gradients");
        for (int e = 0; e < N; e += 7) {
            int r = e / H, j = e % H, at = T * N + e;
            double i = before[0].getDouble(gateAt(0, r, j)), fo = before[0].getDouble(gateAt(1, r, j));
            double o = before[0].getDouble(gateAt(2, r, j)), g = before[0].getDouble(gateAt(3, r, j));
            double h = before[1].getDouble(at), cPrev = before[2].getDouble(at), tc = before[3].getDouble(at);
            double dc = carryBefore.getDouble(e) + h * o * (1 - tc * tc);
            assertEquals(dc * i * (1 - i) * g, fastGrads.getDouble(gateAt(0, r, j)), 1e-4, "dA_i");
            assertEquals(dc * fo * (1 - fo) * cPrev, fastGrads.getDouble(gateAt(1, r, j)), 1e-4, "dA_f");
            assertEquals(h * o * (1 - o) * tc, fastGrads.getDouble(gateAt(2, r, j)), 1e-4, "dA_o");
            assertEquals(dc * (1 - g * g) * i, fastGrads.getDouble(gateAt(3, r, j)), 1e-4, "dA_g");
            assertEquals(dc * fo, fastCarry.getDouble(e), 1e-4, "dc carried to t - 1");
        }
    }
}
