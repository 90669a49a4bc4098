package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class RmsPropKernelTest {
    private static final double RHO = 0.9, RATE = 1e-2, EPS = 1e-7;

    /** p, g, s as views at odd offsets into one buffer, of a length that leaves a tail after the SIMD lanes. */
    private static INDArray[] buffers(DataType type, int n) {
        INDArray all = TestArrays.gaussian(21, type, 3L * n + 5);
        INDArray[] b = new INDArray[3];
        for (int k = 0; k < 3; k++) {
            b[k] = all.get(NDArrayIndex.interval(2 + (long) k * n, 2 + (long) (k + 1) * n));
        }
        b[2].assign(TestArrays.uniform(22, type, 0, 1e-3, n));   // a mean square is non-negative
        for (int i = 0; i < n; i += 5) b[1].putScalar(i, 3e-17);   // gradients and averages in the flushed range
        for (int i = 3; i < n; i += 7) b[2].putScalar(i, 5e-31);
        return b;
    }

    @Test
    void simdLoopGivesTheBitsOfThePlainLoop() {
        assumeTrue(Simd.available(), "the JVM was started without jdk.incubator.vector");
        int n = 1000 + 7;
        INDArray[] simd = buffers(DataType.FLOAT, n), plain = buffers(DataType.FLOAT, n);
        RmsPropKernel fast = new RmsPropKernel(simd[0], simd[1], simd[2]);
        RmsPropKernel slow = new RmsPropKernel(plain[0], plain[1], plain[2]);
        for (int step = 0; step < 3; step++) {
            fast.step(RHO, RATE, EPS);
            slow.stepScalar(RHO, RATE, EPS);
        }
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(plain[k].toFloatVector(), simd[k].toFloatVector(), "buffer " + k);
        }
    }

    @Test
    void oneStepIsTheKerasRuleInDoublePrecision() {
        int n = 37;
        INDArray[] b = buffers(DataType.DOUBLE, n);
        double[] p = b[0].toDoubleVector(), g = b[1].toDoubleVector(), s = b[2].toDoubleVector();
        new RmsPropKernel(b[0], b[1], b[2]).step(RHO, RATE, EPS);
        for (int i = 0; i < n; i++) {   // nothing flushed here: a 3e-17 gradient moves its parameter by ~1e-14
            s[i] = RHO * s[i] + (1 - RHO) * g[i] * g[i];
            p[i] -= RATE * g[i] / Math.sqrt(s[i] + EPS);
        }
        assertArrayEquals(p, b[0].toDoubleVector(), 1e-12);
        assertArrayEquals(s, b[2].toDoubleVector(), 1e-15);
        assertArrayEquals(g, b[1].toDoubleVector(), "the gradient is left alone");   // g was read before the step
    }

    @Test
    void theMeanSquareOfAVanishedGradientBecomesZeroNeverSubnormal() {
        int n = 64 + 3;
        for (boolean simd : new boolean[] {true, false}) {
            if (simd && !Simd.available()) continue;
            INDArray[] b = buffers(DataType.FLOAT, n);
            RmsPropKernel kernel = new RmsPropKernel(b[0], b[1], b[2]);
            b[1].assign(0);
            b[2].assign(1e-27);   // ρ = 0.9: below 1e-30 after ~66 steps, subnormal after ~75 if not flushed
            for (int step = 0; step < 200; step++) {
                if (step % 10 == 5) b[1].putScalar(7, 1e-20);   // its square would be subnormal
                if (simd) kernel.step(RHO, RATE, EPS); else kernel.stepScalar(RHO, RATE, EPS);
                KernelRuns.assertNoSubnormal(b, (simd ? "SIMD" : "plain") + " step " + step);
                if (step % 10 == 5) b[1].putScalar(7, 0);
            }
            for (float x : b[2].toFloatVector()) assertEquals(0f, x);
        }
    }
}
