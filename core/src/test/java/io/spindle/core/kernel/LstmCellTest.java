package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One LSTM step's pass: the formulas, and the SIMD loop's bits against the scalar loop's (n leaves a tail). */
class LstmCellTest {
    private static final int N = 3 * 37, T = 1;

    /** gates i, f, o, g, cells, cellTanh, hidden: T + 2 steps of N (step T + 1 of cells and hidden is written). */
    private static INDArray[] buffers() {
        return KernelRuns.gaussians(10, 7, (T + 2) * N);
    }

    @Test
    void forwardStepMatchesTheFormulasAndTheScalarLoop() {
        INDArray[] fast = buffers(), plain = buffers(), before = buffers();
        ByteBuffer[] f = KernelRuns.memory(fast), p = KernelRuns.memory(plain);
        LstmCell.forward(f[0], f[1], f[2], f[3], f[4], f[5], f[6], T, N);
        LstmCell.forwardFloat(p[0], p[1], p[2], p[3], p[4], p[5], p[6], T, N, 0);
        for (int k = 0; k < 7; k++) assertArrayEquals(plain[k].toFloatVector(), fast[k].toFloatVector(), "buffer " + k);
        for (int e = 0; e < N; e += 7) {
            int at = T * N + e;
            double i = sigmoidOfHalf(before[0].getDouble(at)), fg = sigmoidOfHalf(before[1].getDouble(at));
            double o = sigmoidOfHalf(before[2].getDouble(at)), g = Math.tanh(before[3].getDouble(at));
            double c = fg * before[4].getDouble(at) + i * g;
            assertEquals(c, fast[4].getDouble(at + N), 1e-6, "c_t");
            assertEquals(o * Math.tanh(c), fast[6].getDouble(at + N), 1e-6, "h_t");
            assertEquals(before[4].getDouble(at), fast[4].getDouble(at), 0, "c_{t-1} is left alone");
        }
    }

    private static double sigmoidOfHalf(double half) {
        return 1 / (1 + Math.exp(-2 * half));
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
