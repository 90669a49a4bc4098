package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Winograd's F(m, r) from its matrices against the correlation it stands for, in 1-D and through the 2-D tile transform. */
class ToomCookTest {
    private static final int[][] SIZES = {{2, 3}, {4, 3}, {2, 5}, {3, 5}, {4, 5}, {1, 1}, {3, 2}};

    @Test
    void oneDimensionalFilteringIsTheCorrelation() {
        Random random = new Random(3);
        for (int[] size : SIZES) {
            ToomCook t = new ToomCook(size[0], size[1]);
            int m = t.m, r = t.r, alpha = t.alpha;
            double[] g = gaussians(random, r), d = gaussians(random, alpha);
            for (int i = 0; i < m; i++) {
                double want = 0, got = 0;
                for (int k = 0; k < r; k++) want += g[k] * d[i + k];
                for (int xi = 0; xi < alpha; xi++) {
                    double gg = 0, dd = 0;
                    for (int k = 0; k < r; k++) gg += t.g[xi * r + k] * g[k];
                    for (int k = 0; k < alpha; k++) dd += t.bt[xi * alpha + k] * d[k];
                    got += t.at[i * alpha + xi] * gg * dd;
                }
                assertEquals(want, got, 1e-4, "F(" + m + ", " + r + "), output " + i);
            }
        }
    }

    @Test
    void transposesAreTheMatricesTransposed() {
        ToomCook t = new ToomCook(2, 5);
        for (int i = 0; i < t.alpha; i++) {
            for (int j = 0; j < t.alpha; j++) assertEquals(t.bt[i * t.alpha + j], t.b[j * t.alpha + i]);
            for (int k = 0; k < t.r; k++) assertEquals(t.g[i * t.r + k], t.gt[k * t.alpha + i]);
            for (int k = 0; k < t.m; k++) assertEquals(t.at[k * t.alpha + i], t.a[i * t.m + k]);
        }
        assertThrows(IllegalArgumentException.class, () -> new ToomCook(6, 5));
    }

    /** Y = Aᵀ[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A through TileTransform, over several channels of a block with gaps, against the 2-D correlation. */
    @Test
    void twoDimensionalTilesThroughTheTransformAreTheCorrelation() {
        for (int m : new int[] {2, 4}) twoDimensional(new ToomCook(m, 5));
    }

    private static void twoDimensional(ToomCook t) {
        Random random = new Random(4);
        int alpha = t.alpha, r = t.r, m = t.m, width = 45, gap = 3;   // four vectors, one, and a tail
        int inCol = width + gap, inRow = alpha * inCol + gap;
        float[] d = floats(random, alpha * inRow + 1), g = floats(random, r * r * width);
        float[] u = new float[alpha * alpha * width], v = new float[alpha * alpha * width], y = new float[m * m * width];
        new TileTransform(t.g, alpha, r, width).apply(g, 0, r * width, width, u, 0, alpha * width, width, width);
        new TileTransform(t.bt, alpha, alpha, width).apply(d, 1, inRow, inCol, v, 0, alpha * width, width, width);
        for (int k = 0; k < u.length; k++) v[k] *= u[k];
        new TileTransform(t.at, m, alpha, width).apply(v, 0, alpha * width, width, y, 0, m * width, width, width);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < width; k++) {
                    double want = 0;
                    for (int a = 0; a < r; a++) {
                        for (int b = 0; b < r; b++) want += (double) g[(a * r + b) * width + k] * d[1 + (i + a) * inRow + (j + b) * inCol + k];
                    }
                    assertEquals(want, y[(i * m + j) * width + k], 1e-4, "F(" + m + ", 5), output (" + i + ", " + j + "), channel " + k);
                }
            }
        }
    }

    @Test
    void simdRowPassGivesItsScalarTwinsBits() {
        Random random = new Random(5);
        float[] x = floats(random, 400), c = {0.5f, -2f, 1f, 0.25f, -5f};
        int[] at = {3, 77, 150, 151, 300};
        for (int n : new int[] {1, 7, 8, 31, 32, 45, 90}) {
            float[] simd = new float[n + 2], plain = new float[n + 2];
            VectorTileRows.combine(c, at, c.length, x, simd, 2, n);
            TileTransform.combineFloat(c, at, c.length, x, plain, 2, 0, n);
            org.junit.jupiter.api.Assertions.assertArrayEquals(plain, simd, n + " values");
        }
    }

    private static double[] gaussians(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = random.nextGaussian();
        return v;
    }

    private static float[] floats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }
}
