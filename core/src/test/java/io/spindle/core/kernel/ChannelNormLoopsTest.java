package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch norm's channel passes: SIMD against the scalar twin bit for bit on rows whose lengths are not multiples of the
 * vector width (nor of the four lane groups, nor of a block), summed over several rows into several channels; and
 * both against the formulas in double.
 */
class ChannelNormLoopsTest {
    /** H·W of a row: 1, 5, 7×7, 11×13, a block and 37, two blocks and 29. */
    private static final int[] ROW_LENGTHS = {1, 5, 49, 143, ChannelNormLoops.BLOCK + 37, 2 * ChannelNormLoops.BLOCK + 29};
    private static final int CHANNELS = 3, SAMPLES = 5;

    @Test
    void theJvmUnderTestHasTheSimdLoops() {
        assertTrue(Simd.available(), "tests run with --add-modules=jdk.incubator.vector, so the SIMD twins are the ones compared");
    }

    @Test
    void sumsOverRowsIntoChannelsGiveTheScalarTwinsBitsAndTheFormula() {
        for (int per : ROW_LENGTHS) {
            float[][] x = rows(1, per, 3f), dy = rows(2, per, 0f);
            float[] simd = new float[CHANNELS * ChannelNormLoops.SUMS], scalar = simd.clone();
            double[] s = new double[CHANNELS], q = new double[CHANNELS];
            for (int row = 0; row < x.length; row++) {
                int c = row % CHANNELS;
                ChannelNormLoops.shiftedSums(x[row], per, 2.9f, simd, c * ChannelNormLoops.SUMS, true);
                ChannelNormLoops.shiftedSums(x[row], per, 2.9f, scalar, c * ChannelNormLoops.SUMS, false);
                for (float v : x[row]) {
                    s[c] += v - 2.9;
                    q[c] += (v - 2.9) * (v - 2.9);
                }
            }
            assertArrayEquals(scalar, simd, "shifted sums, rows of " + per);
            for (int c = 0; c < CHANNELS; c++) {
                assertEquals(s[c], ChannelNormLoops.first(simd, c * ChannelNormLoops.SUMS), 1e-5 * SAMPLES * per, "Σ (x − shift), rows of " + per);
                assertEquals(q[c], ChannelNormLoops.second(simd, c * ChannelNormLoops.SUMS), 1e-5 * q[c], "Σ (x − shift)², rows of " + per);
            }

            simd = new float[CHANNELS * ChannelNormLoops.SUMS];
            scalar = simd.clone();
            double[] g = new double[CHANNELS], p = new double[CHANNELS];
            for (int row = 0; row < x.length; row++) {
                int c = row % CHANNELS;
                ChannelNormLoops.gradientSums(dy[row], x[row], per, 3.1f, simd, c * ChannelNormLoops.SUMS, true);
                ChannelNormLoops.gradientSums(dy[row], x[row], per, 3.1f, scalar, c * ChannelNormLoops.SUMS, false);
                for (int j = 0; j < per; j++) {
                    g[c] += dy[row][j];
                    p[c] += dy[row][j] * (x[row][j] - 3.1);
                }
            }
            assertArrayEquals(scalar, simd, "gradient sums, rows of " + per);
            for (int c = 0; c < CHANNELS; c++) {
                assertEquals(g[c], ChannelNormLoops.first(simd, c * ChannelNormLoops.SUMS), 1e-5 * SAMPLES * per, "Σ dy, rows of " + per);
                assertEquals(p[c], ChannelNormLoops.second(simd, c * ChannelNormLoops.SUMS), 1e-5 * SAMPLES * per, "Σ dy·(x − mean), rows of " + per);
            }
        }
    }

    @Test
    void normalisationAndInputGradientGiveTheScalarTwinsBitsAndTheFormula() {
        for (int per : ROW_LENGTHS) {
            float[] x = rows(3, per, 3f)[0], dy = rows(4, per, 0f)[0];
            float[] y = x.clone(), yScalar = x.clone();
            ChannelNormLoops.normalize(y, per, 2.9f, 1.3f, -0.2f);
            ChannelNormLoops.normalizeFloat(yScalar, 0, per, 2.9f, 1.3f, -0.2f);
            assertArrayEquals(yScalar, y, "normalize, a row of " + per);
            for (int j = 0; j < per; j++) assertEquals((x[j] - 2.9) * 1.3 - 0.2, y[j], 1e-5, "y " + j);

            float[] dx = dy.clone(), dxScalar = dy.clone();
            ChannelNormLoops.inputGradient(dx, x, per, 2.9f, 0.7f, -0.05f, 0.11f);
            ChannelNormLoops.inputGradientFloat(dxScalar, x, 0, per, 2.9f, 0.7f, -0.05f, 0.11f);
            assertArrayEquals(dxScalar, dx, "input gradient, a row of " + per);
            for (int j = 0; j < per; j++) assertEquals(dy[j] * 0.7 + (x[j] - 2.9) * -0.05 + 0.11, dx[j], 1e-5, "dx " + j);
        }
    }

    /** CHANNELS·SAMPLES rows of {@code per} Gaussian values around {@code centre}. */
    private static float[][] rows(long seed, int per, float centre) {
        Random random = new Random(seed);
        float[][] rows = new float[CHANNELS * SAMPLES][per];
        for (float[] row : rows) {
            for (int j = 0; j < per; j++) row[j] = centre + (float) random.nextGaussian();
        }
        return rows;
    }
}
