package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Layer norm's row passes (SIMD when the JVM has it) against their scalar twins bit for bit, and against the formulas. */
class LayerNormRowsTest {

    @Test
    void simdAndScalarTwinsGiveTheSameBits() {
        for (int n : new int[] {5, 37, 64}) {
            int from = 3;
            INDArray x = TestArrays.gaussian(1, DataType.FLOAT, from + n), dy = TestArrays.gaussian(2, DataType.FLOAT, from + n);
            INDArray gain = TestArrays.gaussian(3, DataType.FLOAT, n), bias = TestArrays.gaussian(4, DataType.FLOAT, n);
            float mean = 0.1f, invStd = 1.3f;
            INDArray y = x.ulike().assign(0), yScalar = y.dup();
            LayerNormRows.normalize(Memory.of(x), Memory.of(y), from, n, mean, invStd, Memory.of(gain), Memory.of(bias));
            LayerNormRows.normalizeFloat(Memory.of(x), Memory.of(yScalar), from, 0, n, mean, invStd, Memory.of(gain), Memory.of(bias));
            assertArrayEquals(yScalar.toFloatVector(), y.toFloatVector(), "normalize, n = " + n);
            for (int j = 0; j < n; j++) {
                assertEquals((x.getFloat(from + j) - mean) * invStd * gain.getFloat(j) + bias.getFloat(j), y.getFloat(from + j), 1e-5, "y " + j);
            }

            float[] sums = new float[2], scalarSums = new float[2];
            LayerNormRows.gradientSums(Memory.of(dy), Memory.of(x), from, n, mean, invStd, Memory.of(gain), sums);
            LayerNormRows.gradientSumsFloat(Memory.of(dy), Memory.of(x), from, n, mean, invStd, Memory.of(gain), scalarSums);
            assertArrayEquals(scalarSums, sums, "sums, n = " + n);
            double s = 0, p = 0;
            for (int j = 0; j < n; j++) {
                double g = dy.getDouble(from + j) * gain.getDouble(j);
                s += g;
                p += g * (x.getDouble(from + j) - mean) * invStd;
            }
            assertEquals(s, sums[0], 1e-4 * n);
            assertEquals(p, sums[1], 1e-4 * n);

            INDArray[] simd = backward(x, dy, gain, from, n, mean, invStd, sums, true), scalar = backward(x, dy, gain, from, n, mean, invStd, sums, false);
            for (int k = 0; k < 3; k++) assertArrayEquals(scalar[k].toFloatVector(), simd[k].toFloatVector(), "backward buffer " + k + ", n = " + n);
        }
    }

    /** dx, gain gradient and bias gradient (both starting from ones), through the dispatching loop or the scalar twin. */
    private static INDArray[] backward(INDArray x, INDArray dy, INDArray gain, int from, int n, float mean, float invStd, float[] sums, boolean dispatch) {
        INDArray dx = x.ulike().assign(0), gg = gain.ulike().assign(1), bg = gain.ulike().assign(1);
        ByteBuffer d = Memory.of(dy), in = Memory.of(x), out = Memory.of(dx), g = Memory.of(gain);
        if (dispatch) LayerNormRows.backward(d, in, out, from, n, mean, invStd, g, sums[0] / n, sums[1] / n, Memory.of(gg), Memory.of(bg));
        else LayerNormRows.backwardFloat(d, in, out, from, 0, n, mean, invStd, g, sums[0] / n, sums[1] / n, Memory.of(gg), Memory.of(bg));
        return new INDArray[] {dx, gg, bg};
    }
}
