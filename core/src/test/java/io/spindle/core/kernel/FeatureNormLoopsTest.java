package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch norm's per-feature passes: SIMD against the scalar twin bit for bit, for feature counts that are not multiples
 * of the vector width, summed over several samples; and against the formulas in double.
 */
class FeatureNormLoopsTest {
    private static final int SAMPLES = 7;

    @Test
    void passesGiveTheScalarTwinsBitsAndTheFormulas() {
        for (int n : new int[] {1, 5, 13, 37}) {
            float[][] x = rows(1, n, 3f), dy = rows(2, n, 0f);
            float[] mean = rows(3, n, 3f)[0], scale = rows(4, n, 1f)[0], slope = rows(5, n, 0f)[0], offset = rows(6, n, 0f)[0];
            float[] s = new float[n], q = new float[n], sScalar = new float[n], qScalar = new float[n];
            float[] g = new float[n], p = new float[n], gScalar = new float[n], pScalar = new float[n];
            double[] s64 = new double[n], q64 = new double[n], g64 = new double[n], p64 = new double[n];
            for (int b = 0; b < SAMPLES; b++) {
                FeatureNormLoops.shiftedSums(x[b], x[0], s, q, n);
                FeatureNormLoops.shiftedSumsFloat(x[b], x[0], sScalar, qScalar, 0, n);
                FeatureNormLoops.gradientSums(dy[b], x[b], mean, g, p, n);
                FeatureNormLoops.gradientSumsFloat(dy[b], x[b], mean, gScalar, pScalar, 0, n);
                for (int j = 0; j < n; j++) {
                    double d = (double) x[b][j] - x[0][j];
                    s64[j] += d;
                    q64[j] += d * d;
                    g64[j] += dy[b][j];
                    p64[j] += dy[b][j] * ((double) x[b][j] - mean[j]);
                }
            }
            assertArrayEquals(sScalar, s, "Σ (x − shift), " + n + " features");
            assertArrayEquals(qScalar, q, "Σ (x − shift)², " + n + " features");
            assertArrayEquals(gScalar, g, "Σ dy, " + n + " features");
            assertArrayEquals(pScalar, p, "Σ dy·(x − mean), " + n + " features");
            for (int j = 0; j < n; j++) {
                assertEquals(s64[j], s[j], 1e-5 * SAMPLES);
                assertEquals(q64[j], q[j], 1e-5 * SAMPLES * (1 + q64[j]));
                assertEquals(g64[j], g[j], 1e-5 * SAMPLES);
                assertEquals(p64[j], p[j], 1e-5 * SAMPLES * 4);
            }

            float[] y = x[1].clone(), yScalar = x[1].clone();
            FeatureNormLoops.normalize(y, mean, scale, offset, n);
            FeatureNormLoops.normalizeFloat(yScalar, mean, scale, offset, 0, n);
            assertArrayEquals(yScalar, y, "normalize, " + n + " features");
            float[] dx = dy[1].clone(), dxScalar = dy[1].clone();
            FeatureNormLoops.inputGradient(dx, x[1], mean, scale, slope, offset, n);
            FeatureNormLoops.inputGradientFloat(dxScalar, x[1], mean, scale, slope, offset, 0, n);
            assertArrayEquals(dxScalar, dx, "input gradient, " + n + " features");
            for (int j = 0; j < n; j++) {
                assertEquals(((double) x[1][j] - mean[j]) * scale[j] + offset[j], y[j], 1e-5, "y " + j);
                assertEquals(dy[1][j] * (double) scale[j] + ((double) x[1][j] - mean[j]) * slope[j] + offset[j], dx[j], 1e-5, "dx " + j);
            }
        }
    }

    /** SAMPLES rows of n Gaussian values around {@code centre}. */
    private static float[][] rows(long seed, int n, float centre) {
        Random random = new Random(seed);
        float[][] rows = new float[SAMPLES][n];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) row[j] = centre + (float) random.nextGaussian();
        }
        return rows;
    }
}
