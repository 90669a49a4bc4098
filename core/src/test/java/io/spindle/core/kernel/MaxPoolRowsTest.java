package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2×2 max pooling at stride 2: outputs and input gradients against the definition (the first of equal values wins),
 * and the SIMD blocks against the scalar loop bit for bit, on rows shorter than a block, of whole blocks and with an
 * overlapping last block, for even and odd sizes.
 */
class MaxPoolRowsTest {

    @Test
    void poolsAndRoutesGradientsByTheDefinition() {
        int planes = 3;
        for (int[] hw : new int[][] {{4, 6}, {5, 7}, {6, 16}, {7, 27}, {2, 34}}) {
            int h = hw[0], w = hw[1], outH = h / 2, outW = w / 2;
            INDArray x = TestArrays.gaussian(1, DataType.FLOAT, planes * h * w);
            x.putScalar(1, x.getFloat(0));   // a tie in the first window: the first one wins
            INDArray y = Nd4j.zeros(DataType.FLOAT, planes * outH * outW), dy = TestArrays.gaussian(2, DataType.FLOAT, planes * outH * outW);
            INDArray dx = TestArrays.gaussian(3, DataType.FLOAT, planes * h * w);   // every element must be written
            float[] winners = new float[planes * outH * outW];
            MaxPoolRows.forward(Memory.of(x), Memory.of(y), winners, planes, h, w);
            MaxPoolRows.backward(Memory.of(dy), winners, Memory.of(dx), planes, h, w);
            float[] want = new float[planes * h * w];
            for (int p = 0; p < planes; p++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        int o = (p * outH + i) * outW + j, best = -1;
                        for (int k = 0; k < 4; k++) {
                            int at = (p * h + 2 * i + k / 2) * w + 2 * j + k % 2;
                            if (best < 0 || x.getFloat(at) > x.getFloat(best)) best = at;
                        }
                        assertEquals(x.getFloat(best), y.getFloat(o), h + "×" + w + " output " + o);
                        want[best] = dy.getFloat(o);
                    }
                }
            }
            assertArrayEquals(want, dx.toFloatVector(), h + "×" + w + " input gradient");
        }
    }

    @Test
    void simdBlocksMatchTheScalarLoopBitForBit() {
        int h = 2, w = 40, outW = w / 2;
        INDArray x = TestArrays.gaussian(4, DataType.FLOAT, h * w), dy = TestArrays.gaussian(5, DataType.FLOAT, outW);
        x.putScalar(w + 4, x.getFloat(5));   // a tie across the window's rows
        INDArray fast = Nd4j.zeros(DataType.FLOAT, outW), plain = Nd4j.zeros(DataType.FLOAT, outW);
        float[] fastWinners = new float[outW], plainWinners = new float[outW];
        MaxPoolRows.forward(Memory.of(x), Memory.of(fast), fastWinners, 1, h, w);
        MaxPoolRows.forwardFloat(Memory.of(x), 0, w, Memory.of(plain), plainWinners, 0, outW);
        assertArrayEquals(plain.toFloatVector(), fast.toFloatVector());
        assertArrayEquals(plainWinners, fastWinners);
        INDArray fastDx = Nd4j.zeros(DataType.FLOAT, h * w), plainDx = Nd4j.zeros(DataType.FLOAT, h * w);
        ByteBuffer grad = Memory.of(dy);
        MaxPoolRows.backward(grad, fastWinners, Memory.of(fastDx), 1, h, w);
        MaxPoolRows.backwardFloat(grad, plainWinners, 0, Memory.of(plainDx), 0, w, outW);
        assertArrayEquals(plainDx.toFloatVector(), fastDx.toFloatVector());
    }
}
