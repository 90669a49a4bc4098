package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Softmax's row passes (SIMD when the JVM has it) against their scalar twins bit for bit, and against the formulas in double. */
class SoftmaxRowsTest {

    @Test
    void simdAndScalarTwinsGiveTheSameBits() {
        for (int n : new int[] {1, 6, 8, 28, 33}) {
            for (boolean causal : new boolean[] {false, true}) {
                int from = 5, stride = SoftmaxRows.stride(n), size = from + n * stride;
                // Scores spread wide enough that some probabilities fall below the flush threshold.
                INDArray s = TestArrays.gaussian(n, DataType.FLOAT, size).muli(30);
                float[] plain = s.toFloatVector(), array = s.toFloatVector();
                SoftmaxRows.forward(array, from, n, stride, causal);
                SoftmaxRows.forwardFloat(plain, from, n, stride, causal);
                s.assign(Nd4j.createFromArray(array));
                String what = "n = " + n + ", causal " + causal;
                assertArrayEquals(plain, s.toFloatVector(), "forward, " + what);
                assertArrayEquals(plain, array, "forward on an array, " + what);

                float[] dp = TestArrays.gaussian(n + 100, DataType.FLOAT, size).toFloatVector(), dpScalar = dp.clone();
                SoftmaxRows.backward(array, from, dp, from, n, stride);
                SoftmaxRows.backwardFloat(array, from, dpScalar, from, n, stride);
                assertArrayEquals(dpScalar, dp, "backward, " + what);
                KernelRuns.assertNoSubnormal(new INDArray[] {s, Nd4j.createFromArray(dp)}, what);
            }
        }
    }

    @Test
    void forwardAndBackwardFollowTheFormulas() {
        int n = 13, stride = SoftmaxRows.stride(n);
        for (boolean causal : new boolean[] {false, true}) {
            INDArray scores = TestArrays.gaussian(3, DataType.FLOAT, n * stride).muli(3), p = scores.dup();
            float[] pArray = p.toFloatVector();
            SoftmaxRows.forward(pArray, 0, n, stride, causal);
            p.assign(Nd4j.createFromArray(pArray));
            INDArray dp = TestArrays.gaussian(4, DataType.FLOAT, n * stride), ds = dp.dup();
            float[] dsArray = ds.toFloatVector();
            SoftmaxRows.backward(p.toFloatVector(), 0, dsArray, 0, n, stride);
            ds.assign(Nd4j.createFromArray(dsArray));
            for (int r = 0; r < n; r++) {
                int valid = causal ? r + 1 : n, at = r * stride;
                double max = Double.NEGATIVE_INFINITY, sum = 0, dot = 0;
                for (int j = 0; j < valid; j++) max = Math.max(max, scores.getDouble(at + j));
                for (int j = 0; j < valid; j++) sum += Math.exp(scores.getDouble(at + j) - max);
                for (int j = 0; j < valid; j++) dot += dp.getDouble(at + j) * Math.exp(scores.getDouble(at + j) - max) / sum;
                for (int j = 0; j < stride; j++) {
                    double expected = j < valid ? Math.exp(scores.getDouble(at + j) - max) / sum : 0;
                    assertEquals(expected, p.getDouble(at + j), 5e-6 * Math.max(expected, 1e-3), "p[" + r + ", " + j + "], causal " + causal);
                    double expectedGrad = expected * (dp.getDouble(at + j) - dot);
                    assertEquals(expectedGrad, ds.getDouble(at + j), 1e-6, "ds[" + r + ", " + j + "], causal " + causal);
                }
            }
        }
    }

    @Test
    void paddingComesOutZeroWhateverItHeld() {
        int n = 3, stride = SoftmaxRows.stride(n);
        INDArray s = TestArrays.gaussian(9, DataType.FLOAT, n * stride);
        for (int r = 0; r < n; r++) {
            for (int j = n; j < stride; j++) s.putScalar(r * stride + j, j % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY);
        }
        float[] rows = s.toFloatVector();
        SoftmaxRows.forward(rows, 0, n, stride, false);
        s.assign(Nd4j.createFromArray(rows));
        for (int r = 0; r < n; r++) {
            double rowSum = 0;
            for (int j = 0; j < stride; j++) {
                if (j >= n) assertEquals(0f, s.getFloat(r * stride + j), "padding " + r + ", " + j);
                rowSum += s.getDouble(r * stride + j);
            }
            assertEquals(1, rowSum, 1e-6, "row " + r);
        }
    }
}
