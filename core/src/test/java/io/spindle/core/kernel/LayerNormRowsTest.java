package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Layer norm's block passes: SIMD against the scalar twin bit for bit, on rows shorter than a vector, of whole
 * vectors (one, and more than the four column groups), and with a tail; and both against the formulas in double.
 */
class LayerNormRowsTest {
    private static final int[] WIDTHS = {2, 5, 8, 37, 64, 67};
    private static final int ROWS = 6, AT = 3;
    private static final float EPSILON = 1e-5f;

    @Test
    void theJvmUnderTestHasTheSimdLoops() {
        assertTrue(Simd.available(), "tests run with --add-modules=jdk.incubator.vector, so the SIMD twins are the ones compared");
    }

    @Test
    void forwardGivesTheScalarTwinsBitsAndTheFormula() {
        for (int n : WIDTHS) {
            float[] x = values(1, ROWS * n, 2f), gain = values(2, n, 1f), bias = values(3, n, 0f);
            float[][] simd = forward(x, n, gain, bias, true), scalar = forward(x, n, gain, bias, false);
            for (int k = 0; k < simd.length; k++) assertArrayEquals(scalar[k], simd[k], "forward array " + k + ", rows of " + n);
            for (int r = 0; r < ROWS; r++) {
                double m = 0, v = 0;
                for (int j = 0; j < n; j++) m += x[r * n + j] / (double) n;
                for (int j = 0; j < n; j++) v += (x[r * n + j] - m) * (x[r * n + j] - m) / n;
                double s = 1 / Math.sqrt(v + EPSILON);
                assertEquals(s, simd[2][r], 1e-5 * s, "s, row " + r + " of " + n);
                for (int j = 0; j < n; j++) {
                    double h = (x[r * n + j] - m) * s;
                    assertEquals(h, simd[1][AT + r * n + j], 1e-5, "x̂ " + j + ", rows of " + n);
                    assertEquals(h * gain[j] + bias[j], simd[0][r * n + j], 1e-5 * (1 + Math.abs(gain[j])), "y " + j + ", rows of " + n);
                }
            }
        }
    }

    @Test
    void backwardGivesTheScalarTwinsBitsAndTheFormula() {
        for (int n : WIDTHS) {
            float[] x = values(4, ROWS * n, 2f), gain = values(5, n, 1f), bias = values(6, n, 0f), dy = values(7, ROWS * n, 0f);
            float[][] kept = forward(x, n, gain, bias, true);
            float[] xhat = kept[1], invStd = kept[2];
            for (boolean inputGradient : new boolean[] {true, false}) {
                float[][] simd = backward(dy, n, gain, xhat, invStd, inputGradient, true), scalar = backward(dy, n, gain, xhat, invStd, inputGradient, false);
                for (int k = 0; k < simd.length; k++) {
                    assertArrayEquals(scalar[k], simd[k], "backward array " + k + ", rows of " + n + ", input gradient " + inputGradient);
                }
                for (int j = 0; j < n; j++) {
                    double dg = 0.5, db = -0.25;
                    for (int r = 0; r < ROWS; r++) {
                        dg += dy[r * n + j] * (double) xhat[AT + r * n + j];
                        db += dy[r * n + j];
                    }
                    assertEquals(dg, simd[1][j], 1e-5 * ROWS, "dg " + j + ", rows of " + n);
                    assertEquals(db, simd[2][j], 1e-5 * ROWS, "db " + j + ", rows of " + n);
                }
            }
            float[] dx = backward(dy, n, gain, xhat, invStd, true, true)[0];
            for (int r = 0; r < ROWS; r++) {
                double a = 0, b = 0;
                for (int j = 0; j < n; j++) {
                    a += dy[r * n + j] * (double) gain[j] / n;
                    b += dy[r * n + j] * (double) gain[j] * xhat[AT + r * n + j] / n;
                }
                for (int j = 0; j < n; j++) {
                    double expected = (dy[r * n + j] * (double) gain[j] - a - xhat[AT + r * n + j] * b) * invStd[r];
                    assertEquals(expected, dx[r * n + j], 1e-5 * invStd[r] * (1 + Math.abs(gain[j])), "dx " + j + ", rows of " + n);
                }
            }
        }
    }

    /** y (over a copy of x), x̂ (from {@link #AT} on) and s, through the SIMD loops or the scalar twin. */
    private static float[][] forward(float[] x, int n, float[] gain, float[] bias, boolean simd) {
        float[] y = x.clone(), xhat = new float[AT + ROWS * n], invStd = new float[ROWS];
        LayerNormRows.forward(y, ROWS, n, EPSILON, gain, bias, xhat, AT, invStd, 0, LayerNormRows.scratch(ROWS), simd);
        return new float[][] {y, xhat, invStd};
    }

    /** dx (or dy untouched), gain and bias gradients (starting from 0.5 and −0.25). */
    private static float[][] backward(float[] dy, int n, float[] gain, float[] xhat, float[] invStd, boolean inputGradient, boolean simd) {
        float[] dx = dy.clone(), gg = new float[n], bg = new float[n];
        java.util.Arrays.fill(gg, 0.5f);
        java.util.Arrays.fill(bg, -0.25f);
        LayerNormRows.backward(dx, ROWS, n, gain, xhat, AT, invStd, 0, gg, bg, inputGradient, LayerNormRows.scratch(ROWS), simd);
        return new float[][] {dx, gg, bg};
    }

    private static float[] values(long seed, int n, float mean) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = mean + (float) random.nextGaussian();
        return v;
    }
}
