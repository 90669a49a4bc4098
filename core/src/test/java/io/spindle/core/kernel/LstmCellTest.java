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
    private static final int B = 3, H = 37, N = B * H, T = 1;

    /** gates i, f, o, g, cells, cellTanh, hidden: T + 2 steps of N (step T + 1 of cells and hidden is written). */
    private static INDArray[] buffers() {
        return KernelRuns.gaussians(10, 7, (T + 2) * N);
    }

    @Test
    void forwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(), plain = buffers(), before = buffers(), bias = KernelRuns.gaussians(40, 4, H);
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain), b = KernelRuns.memory(bias);
        LstmCell.forward(new ByteBuffer[] {f[0], f[1], f[2], f[3]}, b, f[4], f[5], f[6], T, B, H);
        LstmCell.forwardFloat(new ByteBuffer[] {p[0], p[1], p[2], p[3]}, b, p[4], p[5], p[6], T, B, H);
        for (int k = 0; k < 7; k++) assertArrayEquals(plain[k].toFloatVector(), fast[k].toFloatVector(), "buffer " + k);
        for (int e = 0; e < N; e += 7) {
            int at = T * N + e, j = e % H;
            double i = sigmoid(before[0].getDouble(at) + bias[0].getDouble(j)), fg = sigmoid(before[1].getDouble(at) + bias[1].getDouble(j));
            double o = sigmoid(before[2].getDouble(at) + bias[2].getDouble(j)), g = Math.tanh(before[3].getDouble(at) + bias[3].getDouble(j));
            double c = fg * before[4].getDouble(at) + i * g;
            assertEquals(i, fast[0].getDouble(at), 1e-6, "i");
            assertEquals(g, fast[3].getDouble(at), 1e-6, "g");
            assertEquals(c, fast[4].getDouble(at + N), 1e-6, "c_t");
            assertEquals(o * Math.tanh(c), fast[6].getDouble(at + N), 1e-6, "h_t");
            assertEquals(before[4].getDouble(at), fast[4].getDouble(at), 0, "c_{t-1} is left alone");
        }
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    @Test
    void backwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(), plain = buffers(), before = buffers();   // dh, gates i f o g, cells, cellTanh
        INDArray[] fastGrads = buffers(), plainGrads = buffers();
        INDArray fastCarry = TestArrays.gaussian(30, DataType.FLOAT, N), plainCarry = fastCarry.dup(), carryBefore = fastCarry.dup();
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain), fg = KernelRuns.memory(fastGrads), pg = KernelRuns.memory(plainGrads);
        LstmCell.backward(f[0], new ByteBuffer[] {f[1], f[2], f[3], f[4]}, f[5], f[6], Memory.of(fastCarry), fg, T, N);
        LstmCell.backwardFloat(p[0], new ByteBuffer[] {p[1], p[2], p[3], p[4]}, p[5], p[6], Memory.of(plainCarry), pg, T, N, 0);
        assertArrayEquals(plainCarry.toFloatVector(), fastCarry.toFloatVector(), "carried cell gradient");
        for (int k = 0; k < 4; k++) assertArrayEquals(plainGrads[k].toFloatVector(), fastGrads[k].toFloatVector(), "gate gradient " + k);
        for (int e = 0; e < N; e += 7) {
            int at = T * N + e;
            double h = before[0].getDouble(at), i = before[1].getDouble(at), fo = before[2].getDouble(at), o = before[3].getDouble(at);
            double g = before[4].getDouble(at), cPrev = before[5].getDouble(at), tc = before[6].getDouble(at);
            double dc = carryBefore.getDouble(e) + h * o * (1 - tc * tc);
            assertEquals(dc * i * (1 - i) * g, fastGrads[0].getDouble(at), 1e-4, "dA_i");
            assertEquals(dc * fo * (1 - fo) * cPrev, fastGrads[1].getDouble(at), 1e-4, "dA_f");
            assertEquals(h * o * (1 - o) * tc, fastGrads[2].getDouble(at), 1e-4, "dA_o");
            assertEquals(dc * (1 - g * g) * i, fastGrads[3].getDouble(at), 1e-4, "dA_g");
            assertEquals(dc * fo, fastCarry.getDouble(e), 1e-4, "dc carried to t - 1");
        }
    }
}
