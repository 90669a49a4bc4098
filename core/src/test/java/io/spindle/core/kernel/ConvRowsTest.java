package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The convolution kernel's row passes against their formulas; col2im's run addition in SIMD against its scalar twin, bit for bit. */
class ConvRowsTest {

    @Test
    void addRunMatchesTheScalarLoopBitForBit() {
        for (int n : new int[] {1, 7, 37, 840}) {
            INDArray dst = TestArrays.gaussian(1, DataType.FLOAT, n + 5), src = TestArrays.gaussian(2, DataType.FLOAT, n + 3);
            INDArray expected = dst.dup();
            ConvRows.addRun(Memory.of(expected), 5, Memory.of(src), 3, 0, n);   // the scalar twin
            ConvRows.addRun(Memory.of(dst), 5, Memory.of(src), 3, n);
            assertArrayEquals(expected.toFloatVector(), dst.toFloatVector(), "n = " + n);
            INDArray before = TestArrays.gaussian(1, DataType.FLOAT, n + 5);
            for (int j = 0; j < n + 5; j++) {
                float want = j < 5 ? before.getFloat(j) : before.getFloat(j) + src.getFloat(j - 2);
                assertEquals(want, dst.getFloat(j), "n = " + n + ", element " + j);
            }
        }
    }

    @Test
    void transposeBiasAndWidenFollowTheirFormulas() {
        int filters = 3, outH = 4, outW = 5, wp = 7;
        INDArray src = TestArrays.gaussian(3, DataType.FLOAT, (long) outH * wp * filters), dst = zeros(2 + filters * outH * outW);
        float[] bias = {0.5f, -1f, 2f};
        ConvRows.transposeBias(Memory.of(src), filters, wp, Memory.of(dst), 2, outH, outW, bias);
        for (int f = 0; f < filters; f++) {
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    assertEquals(src.getFloat((i * wp + j) * filters + f) + bias[f], dst.getFloat(2 + (f * outH + i) * outW + j));
                }
            }
        }
        INDArray wide = zeros(filters * outH * wp);
        ConvRows.widen(Memory.of(dst), 2, filters * outH, outW, Memory.of(wide), 0, wp);
        for (int r = 0; r < filters * outH; r++) {
            for (int j = 0; j < wp; j++) {
                assertEquals(j < outW ? dst.getFloat(2 + r * outW + j) : 0f, wide.getFloat(r * wp + j), "row " + r + ", column " + j);
            }
        }
    }

    private static INDArray zeros(int n) {
        return Nd4j.zeros(DataType.FLOAT, n);
    }
}
