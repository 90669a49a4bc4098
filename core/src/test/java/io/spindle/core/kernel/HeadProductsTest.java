package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A head's products (SIMD when the JVM has it) against their scalar definition bit for bit, and against double sums. */
class HeadProductsTest {

    @Test
    void simdGivesTheDefinitionsBitsAndTheProduct() {
        SplittableRandom random = new SplittableRandom(3);
        for (int m : new int[] {1, 3, 4, 7, 28}) {
            for (int n : new int[] {1, 5, 8, 16, 19, 32}) {
                for (boolean transposed : new boolean[] {false, true}) {
                    int depth = 1 + random.nextInt(30), lda = (transposed ? m : depth) + 3, ldb = n + 2, ldc = n + 5;
                    int aRow = transposed ? 1 : lda, aDepth = transposed ? lda : 1, aFrom = 7, bFrom = 2, cFrom = 4;
                    float[] a = values(random, aFrom + (transposed ? depth : m) * lda), b = values(random, bFrom + depth * ldb);
                    float[] c = values(random, cFrom + m * ldc), expected = c.clone();
                    float alpha = 0.25f;
                    HeadProducts.multiply(a, aFrom, aRow, aDepth, m, depth, b, bFrom, ldb, n, alpha, c, cFrom, ldc);
                    HeadProducts.multiplyFloat(a, aFrom, aRow, aDepth, 0, m, depth, b, bFrom, ldb, 0, n, alpha, expected, cFrom, ldc);
                    String what = m + " x " + depth + " x " + n + (transposed ? ", a transposed" : "");
                    assertArrayEquals(expected, c, what + ": the SIMD twin's bits (and nothing outside c's block written)");
                    for (int r = 0; r < m; r++) {
                        for (int j = 0; j < n; j++) {
                            double sum = 0;
                            for (int d = 0; d < depth; d++) sum += (double) a[aFrom + r * aRow + d * aDepth] * b[bFrom + d * ldb + j];
                            assertEquals(alpha * sum, c[cFrom + r * ldc + j], 1e-5, what + " at " + r + ", " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void transposeMovesAHeadsBlock() {
        float[] a = new float[2 + 3 * 10];
        for (int i = 0; i < a.length; i++) a[i] = i;
        float[] t = new float[4 * 8];
        HeadProducts.transpose(a, 2, 10, 4, 3, t, 8);   // a's rows j = 0..2, columns d = 0..3, from offset 2
        for (int d = 0; d < 4; d++) {
            for (int j = 0; j < 8; j++) assertEquals(j < 3 ? 2 + j * 10 + d : 0f, t[d * 8 + j], "t[" + d + ", " + j + "]");
        }
    }

    private static float[] values(SplittableRandom random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float) random.nextGaussian();
        return v;
    }
}
