package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class AdamKernelTest {
    private static final double B1 = 0.9, B2 = 0.999, ALPHA = 3e-3, EPS = 1e-7;

    /** Views at odd offsets into one buffer, of a length that leaves a tail after the SIMD lanes. */
    private static INDArray[] buffers(DataType type, int n) {
        INDArray all = TestArrays.gaussian(11, type, 4L * n + 5);
        INDArray[] b = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            b[k] = all.get(NDArrayIndex.interval(1 + (long) k * n, 1 + (long) (k + 1) * n));
        }
        b[3].assign(TestArrays.uniform(12, type, 0, 1e-3, n));   // the second moment is non-negative
        // Every 5th gradient, and every 7th pair of moments, in the range that is flushed to zero.
        for (int i = 0; i < n; i += 5) b[1].putScalar(i, 3e-17 * (i % 2 == 0 ? 1 : -1));
        for (int i = 3; i < n; i += 7) {
            b[2].putScalar(i, -2e-31);
            b[3].putScalar(i, 5e-31);
        }
        return b;
    }

    @Test
    void simdLoopGivesTheBitsOfThePlainLoop() {
        assumeTrue(Simd.available(), "the JVM was started without jdk.incubator.vector");
        int n = 1000 + 7;
        INDArray[] simd = buffers(DataType.FLOAT, n), plain = buffers(DataType.FLOAT, n);
        AdamKernel fast = new AdamKernel(simd[0], simd[1], simd[2], simd[3]);
        AdamKernel slow = new AdamKernel(plain[0], plain[1], plain[2], plain[3]);
        for (int step = 0; step < 3; step++) {
            fast.step(B1, B2, ALPHA, EPS);
            slow.stepScalar(B1, B2, ALPHA, EPS);
        }
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(plain[k].toFloatVector(), simd[k].toFloatVector(), "buffer " + k);
        }
    }

    @Test
    void aStepOnTheMeanOfGradientsGivesTheBitsOfTheMeanThenAStep() {
        // What a sharded step fuses: 1-5 ranks' gradients (2 is its own loop; 4 divides by multiplying, 3 and 5 do not).
        int n = 1000 + 7;
        for (int ranks = 1; ranks <= 5; ranks++) {
            INDArray[] held = new INDArray[ranks];   // Memory.of's buffers do not keep their arrays alive
            ByteBuffer[] gradients = new ByteBuffer[ranks];
            for (int r = 0; r < ranks; r++) {
                held[r] = TestArrays.gaussian(20 + r, DataType.FLOAT, n);
                // Every 3rd mean is in the flushed range (below 1e-16), every 7th just above it.
                for (int i = 0; i < n; i += 3) held[r].putScalar(i, 1e-17 * (r + 1) * (i % 2 == 0 ? 1 : -1));
                for (int i = 1; i < n; i += 7) held[r].putScalar(i, 1.5e-16 * (i % 2 == 0 ? 1 : -1));
                // Every 11th: ranks below and above 1e-16 whose mean is above it (only the mean is flushed, not each rank).
                for (int i = 2; i < n; i += 11) held[r].putScalar(i, r % 2 == 0 ? 5e-17 : 3e-16);
                gradients[r] = Memory.of(held[r]);
            }
            INDArray[] reference = buffers(DataType.FLOAT, n);
            FloatLoops.scalarMean(gradients, Memory.of(reference[1]), 0, n);
            new AdamKernel(reference[0], reference[1], reference[2], reference[3]).stepScalar(B1, B2, ALPHA, EPS);
            for (boolean simd : new boolean[] {true, false}) {
                if (simd && !Simd.available()) continue;
                INDArray[] fused = buffers(DataType.FLOAT, n);
                float[] ownGradient = fused[1].toFloatVector();
                AdamKernel kernel = new AdamKernel(fused[0], fused[1], fused[2], fused[3]);
                if (simd) kernel.stepOnMean(gradients, B1, B2, ALPHA, EPS); else kernel.stepOnMeanScalar(gradients, B1, B2, ALPHA, EPS);
                for (int k : new int[] {0, 2, 3}) {
                    assertArrayEquals(reference[k].toFloatVector(), fused[k].toFloatVector(), ranks + " ranks, " + (simd ? "SIMD" : "plain") + ", buffer " + k);
                }
                assertArrayEquals(ownGradient, fused[1].toFloatVector(), "the bound gradient buffer is left alone");
            }
            java.lang.ref.Reference.reachabilityFence(held);
        }
    }

    @Test
    void aStepOnTheMeanRefusesGradientsOfTheWrongLength() {
        INDArray[] b = buffers(DataType.FLOAT, 10);
        AdamKernel kernel = new AdamKernel(b[0], b[1], b[2], b[3]);
        INDArray shorter = TestArrays.gaussian(1, DataType.FLOAT, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.stepOnMean(new ByteBuffer[] {Memory.of(b[1]), Memory.of(shorter)}, B1, B2, ALPHA, EPS));
        java.lang.ref.Reference.reachabilityFence(shorter);
        assertTrue(e.getMessage().contains("gradient buffer 1 must hold 10 float32 values"), e.getMessage());
    }

    @Test
    void oneStepIsTheKerasRuleInDoublePrecision() {
        // The buffers hold values the kernel flushes to zero; the textbook rule, which keeps them, agrees anyway.
        int n = 37;
        INDArray[] b = buffers(DataType.DOUBLE, n);
        double[] p = b[0].toDoubleVector(), g = b[1].toDoubleVector(), m = b[2].toDoubleVector(), v = b[3].toDoubleVector();
        new AdamKernel(b[0], b[1], b[2], b[3]).step(B1, B2, ALPHA, EPS);
        for (int i = 0; i < n; i++) {
            m[i] = B1 * m[i] + (1 - B1) * g[i];
            v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
            p[i] -= ALPHA * m[i] / (Math.sqrt(v[i]) + EPS);
        }
        // A flushed 3e-17 gradient would have moved its parameter by α·3e-18/ε ≈ 1e-13: far below float's resolution.
        assertArrayEquals(p, b[0].toDoubleVector(), 1e-12);
        assertArrayEquals(m, b[2].toDoubleVector(), 1e-15);
        assertArrayEquals(v, b[3].toDoubleVector(), 1e-15);
        assertArrayEquals(g, b[1].toDoubleVector(), "the gradient is left alone");   // g was read before the step
    }

    @Test
    void momentsOfAWeightWhoseGradientVanishesBecomeZeroNeverSubnormal() {
        // A weight fed by an always-zero pixel: one real gradient, then zeros and near-zeros. Its moments decay
        // geometrically; unflushed, m·0.9ⁿ is subnormal after ~830 steps and x86 arithmetic on it ~20x slower.
        int n = 64 + 3;
        for (boolean simd : new boolean[] {true, false}) {
            if (simd && !Simd.available()) continue;
            INDArray[] b = buffers(DataType.FLOAT, n);
            AdamKernel kernel = new AdamKernel(b[0], b[1], b[2], b[3]);
            for (int step = 0; step < 3000; step++) {
                if (step == 1) {   // from here on the gradient is zero, and the moments small enough to decay out of float's range
                    b[1].assign(0);
                    b[2].assign(1e-25);
                    b[3].assign(2e-30);
                }
                if (step % 10 == 5) b[1].putScalar(7, 1e-20);   // a product of tiny factors: its square is subnormal
                if (simd) kernel.step(B1, B2, ALPHA, EPS); else kernel.stepScalar(B1, B2, ALPHA, EPS);
                KernelRuns.assertNoSubnormal(b, (simd ? "SIMD" : "plain") + " step " + step);
            }
            float[] m = b[2].toFloatVector(), v = b[3].toFloatVector();
            for (int i = 0; i < n; i++) {
                assertEquals(0f, m[i], "m " + i);
                assertEquals(0f, v[i], "v " + i);
            }
        }
    }

    @Test
    void memoryAliasesTheViewAndRefusesStridedArrays() {
        INDArray matrix = TestArrays.gaussian(3, DataType.FLOAT, 4, 5);
        INDArray row = matrix.getRow(2);
        ByteBuffer bytes = Memory.of(row);
        assertEquals(5 * 4, bytes.capacity());
        assertEquals(row.getFloat(3), bytes.getFloat(12));
        bytes.putFloat(0, 42f);
        assertEquals(42f, matrix.getFloat(2, 0), "the buffer writes through to the array");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Memory.of(matrix.getColumn(1)));
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
    }
}
