package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The direct convolution's loops: each against its formula in double, and the SIMD loops' bits against the scalar
 * twins, for filter and tap-row counts that fill the four-wide blocks and leave some over.
 */
class ConvTapsTest {
    private static final int N = 3 * ConvTaps.BLOCK, X_AT = 3;

    @Test
    void forwardMatchesTheFormulaAndItsScalarTwinBitForBit() {
        for (int filters : new int[] {1, 5, 8}) {
            for (boolean relu : new boolean[] {false, true}) {
                int[] shifts = {0, 1, 7, 40, 41};
                float[] x = floats(1, X_AT + 41 + N), w = floats(2, shifts.length * filters), bias = floats(3, filters);
                float[] fast = new float[filters * N], plain = new float[filters * N];
                ConvTaps.forward(x, X_AT, shifts, w, filters, bias, relu, fast, 0, N, N);
                ConvTaps.forwardFloat(x, X_AT, shifts, w, filters, bias, relu, plain, 0, N, N);
                assertArrayEquals(plain, fast, filters + " filters, relu " + relu);
                for (int f = 0; f < filters; f++) {
                    for (int p = 0; p < N; p++) {
                        double want = bias[f];
                        for (int r = 0; r < shifts.length; r++) want += (double) x[X_AT + shifts[r] + p] * w[r * filters + f];
                        assertEquals(relu ? Math.max(want, 0) : want, fast[f * N + p], 1e-5, "filter " + f + ", position " + p);
                    }
                }
            }
        }
    }

    @Test
    void weightAndBiasGradientsMatchTheFormulaAndTheScalarTwinsBitForBit() {
        for (int rows : new int[] {1, 4, 9}) {
            for (int filters : new int[] {1, 4, 6}) {
                int[] shifts = new int[rows];
                for (int r = 0; r < rows; r++) shifts[r] = 3 * r + (r % 2) * 17;
                int gStride = N + 11, gAt = 2;
                float[] x = floats(4, X_AT + java.util.Arrays.stream(shifts).max().getAsInt() + N), g = floats(5, filters * gStride);
                double[] dw = new double[rows * filters], db = new double[filters], dwPlain = new double[rows * filters], dbPlain = new double[filters];
                dw[0] = dwPlain[0] = 0.5;   // the sums are added to what is there
                ConvTaps.weightGradient(x, X_AT, shifts, g, gAt, gStride, filters, N, dw, db, new float[ConvTaps.SCRATCH]);
                ConvTaps.weightGradientFloat(x, X_AT, shifts, g, gAt, gStride, filters, N, dwPlain);
                ConvTaps.biasGradientFloat(g, gAt, gStride, filters, N, dbPlain);
                String where = rows + " rows, " + filters + " filters";
                assertArrayEquals(dwPlain, dw, where);
                assertArrayEquals(dbPlain, db, where);
                for (int f = 0; f < filters; f++) {
                    double sum = 0;
                    for (int p = 0; p < N; p++) sum += g[f * gStride + gAt + p];
                    assertEquals(sum, db[f], 1e-4, where + ", bias " + f);
                    for (int r = 0; r < rows; r++) {
                        double dot = r == 0 && f == 0 ? 0.5 : 0;
                        for (int p = 0; p < N; p++) dot += (double) g[f * gStride + gAt + p] * x[X_AT + shifts[r] + p];
                        assertEquals(dot, dw[r * filters + f], 1e-4, where + ", row " + r + ", filter " + f);
                    }
                }
            }
        }
    }

    @Test
    void keepWherePositiveZeroesTheGradientWhereTheOutputIsNot() {
        int filters = 3, n = ConvTaps.BLOCK, gStride = n + 4, yStride = n + 2;
        float[] y = floats(8, 1 + filters * yStride), g = floats(9, filters * gStride), before = g.clone();
        y[1 + yStride + 5] = 0f;
        ConvTaps.keepWherePositive(g, 2, gStride, y, 1, yStride, filters, n);
        for (int f = 0; f < filters; f++) {
            for (int i = 0; i < gStride; i++) {
                int p = i - 2;
                boolean inRun = p >= 0 && p < n;
                float want = inRun && !(y[1 + f * yStride + p] > 0) ? 0f : before[f * gStride + i];
                assertEquals(want, g[f * gStride + i], "filter " + f + ", index " + i);
            }
        }
        assertEquals(0f, g[gStride + 2 + 5], "a zero output passes no gradient");
    }

    @Test
    void positionCountsMustBeWholeBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTaps.forward(new float[64], 0, new int[] {0}, new float[1], 1, new float[1], false, new float[64], 0, 40, 40));
        assertTrue(e.getMessage().contains("multiple of " + ConvTaps.BLOCK), e.getMessage());
    }

    private static float[] floats(int seed, int n) {
        return TestArrays.gaussian(seed, DataType.FLOAT, n).toFloatVector();
    }
}
