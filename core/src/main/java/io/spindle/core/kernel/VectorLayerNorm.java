package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link LayerNormRows}: eight lanes ({@link VectorWidth}), so sums run in the scalar twin's order;
 * each method keeps its vectors to itself (see {@link VectorMath}) and ends a row's sums through the scratch array, one
 * store per sum instead of eight lane extractions. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorLayerNorm {
    private static final VectorSpecies<Float> EIGHT = VectorWidth.FLOATS;
    private static final int LANES = RowLoops.LANES, PER_ROW = LayerNormRows.PER_ROW;

    private VectorLayerNorm() {
    }

    /**
     * In three passes over the block, so that no row waits on the one before: every row's lane sums, then every row's
     * statistics (the scalar twin's own code), then every row's x̂ and y.
     */
    static void forward(float[] x, int rows, int n, float epsilon, float[] gain, float[] bias, float[] xhat, int at,
                        float[] invStd, int first, float[] scratch) {
        int whole = EIGHT.loopBound(n);
        for (int r = 0; r < rows; r++) {
            int row = r * n, lanes = r * PER_ROW;
            float shift = x[row];
            FloatVector s = FloatVector.zero(EIGHT), q = s;
            for (int j = 0; j < whole; j += LANES) {
                FloatVector d = FloatVector.fromArray(EIGHT, x, row + j).sub(shift);
                s = s.add(d);
                q = d.fma(d, q);
            }
            s.intoArray(scratch, lanes);
            q.intoArray(scratch, lanes + LANES);
        }
        for (int r = 0; r < rows; r++) LayerNormRows.statistics(x, r * n, whole, n, epsilon, scratch, r * PER_ROW, invStd, first + r);
        for (int r = 0; r < rows; r++) {
            int row = r * n;
            float mean = scratch[r * PER_ROW + LayerNormRows.FIRST], rstd = invStd[first + r];
            for (int j = 0; j < whole; j += LANES) {
                FloatVector h = FloatVector.fromArray(EIGHT, x, row + j).sub(mean).mul(rstd);
                h.intoArray(xhat, at + row + j);
                h.fma(FloatVector.fromArray(EIGHT, gain, j), FloatVector.fromArray(EIGHT, bias, j)).intoArray(x, row + j);
            }
            LayerNormRows.normalizeTail(x, row, whole, n, mean, rstd, gain, bias, xhat, at);
        }
    }

    /** The column gradients, then in three passes as {@link #forward}: every row's lane sums, a and b, dx. */
    static void backward(float[] dy, int rows, int n, float[] gain, float[] xhat, int at, float[] invStd, int first,
                         float[] gainGrad, float[] biasGrad, boolean inputGradient, float[] scratch) {
        int whole = EIGHT.loopBound(n);
        columnGradients(dy, rows, n, whole, xhat, at, gainGrad, biasGrad);
        LayerNormRows.columnGradients(dy, rows, n, whole, xhat, at, gainGrad, biasGrad);
        if (!inputGradient) return;
        for (int r = 0; r < rows; r++) {
            int row = r * n, lanes = r * PER_ROW;
            FloatVector s = FloatVector.zero(EIGHT), p = s;
            for (int j = 0; j < whole; j += LANES) {
                FloatVector g = FloatVector.fromArray(EIGHT, dy, row + j).mul(FloatVector.fromArray(EIGHT, gain, j));
                s = s.add(g);
                p = g.fma(FloatVector.fromArray(EIGHT, xhat, at + row + j), p);
            }
            s.intoArray(scratch, lanes);
            p.intoArray(scratch, lanes + LANES);
        }
        for (int r = 0; r < rows; r++) LayerNormRows.gradientSums(dy, r * n, whole, n, gain, xhat, at, scratch, r * PER_ROW);
        for (int r = 0; r < rows; r++) {
            int row = r * n;
            float a = scratch[r * PER_ROW + LayerNormRows.FIRST], b = scratch[r * PER_ROW + LayerNormRows.SECOND], rstd = invStd[first + r];
            FloatVector minusA = FloatVector.broadcast(EIGHT, -a), minusB = FloatVector.broadcast(EIGHT, -b);
            for (int j = 0; j < whole; j += LANES) {
                FloatVector centred = FloatVector.fromArray(EIGHT, dy, row + j).fma(FloatVector.fromArray(EIGHT, gain, j), minusA);
                FloatVector.fromArray(EIGHT, xhat, at + row + j).fma(minusB, centred).mul(rstd).intoArray(dy, row + j);
            }
            LayerNormRows.inputGradientTail(dy, row, whole, n, gain, xhat, at, a, b, rstd);
        }
    }

    /**
     * The column gradients of the whole eights [0, whole): four column groups at a time down the rows, so that each
     * group's two sums stay in registers and four chains of multiply-adds run at once; each column's sums in row order.
     */
    private static void columnGradients(float[] dy, int rows, int n, int whole, float[] xhat, int at, float[] gainGrad, float[] biasGrad) {
        int j = 0;
        for (; j + 4 * LANES <= whole; j += 4 * LANES) {
            FloatVector g0 = FloatVector.fromArray(EIGHT, gainGrad, j), g1 = FloatVector.fromArray(EIGHT, gainGrad, j + LANES);
            FloatVector g2 = FloatVector.fromArray(EIGHT, gainGrad, j + 2 * LANES), g3 = FloatVector.fromArray(EIGHT, gainGrad, j + 3 * LANES);
            FloatVector b0 = FloatVector.fromArray(EIGHT, biasGrad, j), b1 = FloatVector.fromArray(EIGHT, biasGrad, j + LANES);
            FloatVector b2 = FloatVector.fromArray(EIGHT, biasGrad, j + 2 * LANES), b3 = FloatVector.fromArray(EIGHT, biasGrad, j + 3 * LANES);
            for (int i = j; i < rows * n; i += n) {
                FloatVector d0 = FloatVector.fromArray(EIGHT, dy, i), d1 = FloatVector.fromArray(EIGHT, dy, i + LANES);
                FloatVector d2 = FloatVector.fromArray(EIGHT, dy, i + 2 * LANES), d3 = FloatVector.fromArray(EIGHT, dy, i + 3 * LANES);
                g0 = d0.fma(FloatVector.fromArray(EIGHT, xhat, at + i), g0);
                g1 = d1.fma(FloatVector.fromArray(EIGHT, xhat, at + i + LANES), g1);
                g2 = d2.fma(FloatVector.fromArray(EIGHT, xhat, at + i + 2 * LANES), g2);
                g3 = d3.fma(FloatVector.fromArray(EIGHT, xhat, at + i + 3 * LANES), g3);
                b0 = b0.add(d0);
                b1 = b1.add(d1);
                b2 = b2.add(d2);
                b3 = b3.add(d3);
            }
            g0.intoArray(gainGrad, j);
            g1.intoArray(gainGrad, j + LANES);
            g2.intoArray(gainGrad, j + 2 * LANES);
            g3.intoArray(gainGrad, j + 3 * LANES);
            b0.intoArray(biasGrad, j);
            b1.intoArray(biasGrad, j + LANES);
            b2.intoArray(biasGrad, j + 2 * LANES);
            b3.intoArray(biasGrad, j + 3 * LANES);
        }
        for (; j < whole; j += LANES) {
            FloatVector g = FloatVector.fromArray(EIGHT, gainGrad, j), b = FloatVector.fromArray(EIGHT, biasGrad, j);
            for (int i = j; i < rows * n; i += n) {
                FloatVector d = FloatVector.fromArray(EIGHT, dy, i);
                g = d.fma(FloatVector.fromArray(EIGHT, xhat, at + i), g);
                b = b.add(d);
            }
            g.intoArray(gainGrad, j);
            b.intoArray(biasGrad, j);
        }
    }
}
