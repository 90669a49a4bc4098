package io.spindle.core.kernel;

import java.util.Arrays;

/**
 * Layer normalisation of a block of rows copied into a heap array (rows of n floats, back to back), with a gain and
 * bias per column. Forward, per row: the shifted sums, then x̂ = (x − μ)·s into a kept array and y = x̂·g + b over x in
 * place. Backward: the column gradients over the block (dg += Σ dy·x̂, db += Σ dy, each column in row order), then per
 * row the two sums of dy·g and then dx over dy in place. Heap arrays because Java 17's Vector API loads and stores a
 * direct buffer several times slower than an array (bench/RESULTS.md, issue 18 batch norm); each method runs a whole
 * block, so a call costs nothing per row.
 * Sums over a row run in eight lanes (a row's j-th value into lane j mod 8), added in lane order, then the values past
 * the last whole eight one by one: the SIMD twin ({@link VectorLayerNorm}) adds the same numbers in the same order and
 * fuses the same multiply-adds, so the two agree bit for bit.
 */
public final class LayerNormRows {
    private static final int LANES = RowLoops.LANES;
    /** Floats of {@link #scratch} per row: two sums' eight lanes, then the row's two finished numbers. */
    static final int PER_ROW = 2 * LANES + 2;
    /** Where a row's two finished numbers sit in its part of the scratch: μ (forward) or a and b (backward). */
    static final int FIRST = 2 * LANES, SECOND = FIRST + 1;

    private LayerNormRows() {
    }

    /** The scratch of the passes over blocks of up to {@code rows} rows. */
    public static float[] scratch(int rows) {
        return new float[rows * PER_ROW];
    }

    /**
     * Forward over {@code rows} rows of n values in x: writes row r's x̂ at {@code xhat[at + r·n …]}, its s = 1/√(σ² + ε)
     * at {@code invStd[first + r]}, and y over x. The variance is taken around the row's first value, so that a large
     * mean does not cancel it away.
     */
    public static void forward(float[] x, int rows, int n, float epsilon, float[] gain, float[] bias, float[] xhat, int at,
                               float[] invStd, int first, float[] scratch) {
        forward(x, rows, n, epsilon, gain, bias, xhat, at, invStd, first, scratch, Simd.available());
    }

    /** As the public one, SIMD or the scalar twin as told: the twins' tests call both. */
    static void forward(float[] x, int rows, int n, float epsilon, float[] gain, float[] bias, float[] xhat, int at,
                        float[] invStd, int first, float[] scratch, boolean simd) {
        if (simd) VectorLayerNorm.forward(x, rows, n, epsilon, gain, bias, xhat, at, invStd, first, scratch);
        else forwardFloat(x, rows, n, epsilon, gain, bias, xhat, at, invStd, first, scratch);
    }

    /**
     * Backward over {@code rows} rows of dy: adds dg[j] += Σ dy·x̂ and db[j] += Σ dy into {@code gainGrad} and
     * {@code biasGrad}; when {@code inputGradient}, writes dx = ((dy·g − a) − x̂·b)·s over dy, with a = Σ dy·g / n and
     * b = Σ dy·g·x̂ / n over the row. x̂ and s as {@link #forward} left them.
     */
    public static void backward(float[] dy, int rows, int n, float[] gain, float[] xhat, int at, float[] invStd, int first,
                                float[] gainGrad, float[] biasGrad, boolean inputGradient, float[] scratch) {
        backward(dy, rows, n, gain, xhat, at, invStd, first, gainGrad, biasGrad, inputGradient, scratch, Simd.available());
    }

    static void backward(float[] dy, int rows, int n, float[] gain, float[] xhat, int at, float[] invStd, int first,
                         float[] gainGrad, float[] biasGrad, boolean inputGradient, float[] scratch, boolean simd) {
        if (simd) VectorLayerNorm.backward(dy, rows, n, gain, xhat, at, invStd, first, gainGrad, biasGrad, inputGradient, scratch);
        else backwardFloat(dy, rows, n, gain, xhat, at, invStd, first, gainGrad, biasGrad, inputGradient, scratch);
    }

    static void forwardFloat(float[] x, int rows, int n, float epsilon, float[] gain, float[] bias, float[] xhat, int at,
                             float[] invStd, int first, float[] scratch) {
        int whole = n / LANES * LANES;
        for (int r = 0; r < rows; r++) {
            int row = r * n, lanes = r * PER_ROW;
            float shift = x[row];
            Arrays.fill(scratch, lanes, lanes + 2 * LANES, 0f);
            for (int j = 0; j < whole; j += LANES) {
                for (int l = 0; l < LANES; l++) {
                    float d = x[row + j + l] - shift;
                    scratch[lanes + l] += d;
                    scratch[lanes + LANES + l] = Math.fma(d, d, scratch[lanes + LANES + l]);
                }
            }
            statistics(x, row, whole, n, epsilon, scratch, lanes, invStd, first + r);
            normalizeTail(x, row, 0, n, scratch[lanes + FIRST], invStd[first + r], gain, bias, xhat, at);
        }
    }

    /**
     * Ends both twins' sums of a row (the lanes at {@code scratch[lanes …]} in order, then the tail), sets s, and leaves
     * μ at {@code scratch[lanes + FIRST]}. Float throughout: the shifted sums keep the variance's cancellation small.
     */
    static void statistics(float[] x, int row, int whole, int n, float epsilon, float[] scratch, int lanes, float[] invStd, int r) {
        float shift = x[row], sum = RowLoops.inOrder(scratch, lanes), squares = RowLoops.inOrder(scratch, lanes + LANES);
        for (int j = whole; j < n; j++) {
            float d = x[row + j] - shift;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        float m = sum / n, variance = Math.max(0f, squares / n - m * m);
        invStd[r] = 1f / (float) Math.sqrt(variance + epsilon);
        scratch[lanes + FIRST] = shift + m;
    }

    /** x̂ = (x − μ)·s kept, y = x̂·g + b in place, over columns [j0, n) of the row. */
    static void normalizeTail(float[] x, int row, int j0, int n, float mean, float invStd, float[] gain, float[] bias, float[] xhat, int at) {
        for (int j = j0; j < n; j++) {
            float h = (x[row + j] - mean) * invStd;
            xhat[at + row + j] = h;
            x[row + j] = Math.fma(h, gain[j], bias[j]);
        }
    }

    static void backwardFloat(float[] dy, int rows, int n, float[] gain, float[] xhat, int at, float[] invStd, int first,
                              float[] gainGrad, float[] biasGrad, boolean inputGradient, float[] scratch) {
        columnGradients(dy, rows, n, 0, xhat, at, gainGrad, biasGrad);
        if (!inputGradient) return;
        int whole = n / LANES * LANES;
        for (int r = 0; r < rows; r++) {
            int row = r * n, lanes = r * PER_ROW;
            Arrays.fill(scratch, lanes, lanes + 2 * LANES, 0f);
            for (int j = 0; j < whole; j += LANES) {
                for (int l = 0; l < LANES; l++) {
                    float g = dy[row + j + l] * gain[j + l];
                    scratch[lanes + l] += g;
                    scratch[lanes + LANES + l] = Math.fma(g, xhat[at + row + j + l], scratch[lanes + LANES + l]);
                }
            }
            gradientSums(dy, row, whole, n, gain, xhat, at, scratch, lanes);
            inputGradientTail(dy, row, 0, n, gain, xhat, at, scratch[lanes + FIRST], scratch[lanes + SECOND], invStd[first + r]);
        }
    }

    /** dg[j] += Σ dy·x̂ and db[j] += Σ dy over the rows, for the columns [j0, n), each column's sums in row order. */
    static void columnGradients(float[] dy, int rows, int n, int j0, float[] xhat, int at, float[] gainGrad, float[] biasGrad) {
        for (int j = j0; j < n; j++) {
            float dg = gainGrad[j], db = biasGrad[j];
            for (int r = 0; r < rows; r++) {
                float g = dy[r * n + j];
                dg = Math.fma(g, xhat[at + r * n + j], dg);
                db += g;
            }
            gainGrad[j] = dg;
            biasGrad[j] = db;
        }
    }

    /** Ends both twins' gradient sums of a row: a = Σ dy·g / n and b = Σ dy·g·x̂ / n into {@code scratch[lanes + FIRST …]}. */
    static void gradientSums(float[] dy, int row, int whole, int n, float[] gain, float[] xhat, int at, float[] scratch, int lanes) {
        float sum = RowLoops.inOrder(scratch, lanes), products = RowLoops.inOrder(scratch, lanes + LANES);
        for (int j = whole; j < n; j++) {
            float g = dy[row + j] * gain[j];
            sum += g;
            products = Math.fma(g, xhat[at + row + j], products);
        }
        scratch[lanes + FIRST] = sum / n;
        scratch[lanes + SECOND] = products / n;
    }

    /** dx = ((dy·g − a) − x̂·b)·s over dy, columns [j0, n) of the row, dy·g − a as one multiply-add. */
    static void inputGradientTail(float[] dy, int row, int j0, int n, float[] gain, float[] xhat, int at, float a, float b, float invStd) {
        for (int j = j0; j < n; j++) {
            dy[row + j] = Math.fma(xhat[at + row + j], -b, Math.fma(dy[row + j], gain[j], -a)) * invStd;
        }
    }
}
