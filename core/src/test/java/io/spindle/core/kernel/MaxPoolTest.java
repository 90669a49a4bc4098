package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Max pooling with many ties (ReLU's zeros): every window's first maximum in row-major order, and only it, takes the gradient. */
class MaxPoolTest {
    @Test
    void firstMaximumOfEachWindowTakesTheGradient() {
        int[][] windows = {{2, 2, 2, 2}, {3, 3, 2, 2}, {2, 3, 1, 2}};
        for (int[] k : windows) {
            // 0, 1 or 2 at random: most windows hold ties.
            INDArray x = Transforms.floor(TestArrays.uniform(3, DataType.FLOAT, 0, 3, 2, 3, 10, 21), false);
            long oh = (10 - k[0]) / k[2] + 1, ow = (21 - k[1]) / k[3] + 1;
            INDArray y = Nd4j.create(DataType.FLOAT, 2, 3, oh, ow), dy = TestArrays.gaussian(4, DataType.FLOAT, 2, 3, oh, ow), dx = x.ulike();
            MaxPool pool = new MaxPool(k[0], k[1], k[2], k[3]);
            pool.forward(x, y);
            pool.backward(dy, dx);
            INDArray expected = Nd4j.zeros(DataType.FLOAT, x.shape());
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int bi = -1, bj = -1;
                            float max = Float.NEGATIVE_INFINITY;
                            for (int r = 0; r < k[0]; r++) {
                                for (int s = 0; s < k[1]; s++) {
                                    float v = x.getFloat(b, c, i * k[2] + r, j * k[3] + s);
                                    if (v > max) {
                                        max = v;
                                        bi = i * k[2] + r;
                                        bj = j * k[3] + s;
                                    }
                                }
                            }
                            assertEquals(max, y.getFloat(b, c, i, j), "window maximum");
                            expected.putScalar(new long[] {b, c, bi, bj}, expected.getFloat(b, c, bi, bj) + dy.getFloat(b, c, i, j));
                        }
                    }
                }
            }
            assertEquals(expected, dx, "gradient of windows " + java.util.Arrays.toString(k) + (Simd.available() ? " (SIMD)" : ""));
        }
    }
}
