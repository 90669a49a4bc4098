package io.spindle.core.kernel;

/**
 * The two-sided transform of Winograd tiles, out[a][b][k] = Σ_i Σ_j P[a][i]·P[b][j]·in[i][j][k] for a square block of
 * rows of {@code width} values (channels of a group of tiles), P·in·Pᵀ for every k at once. Both sides are separable
 * passes; each output row is one pass over its nonzero terms, Σ_t P_t·row_t added in the order of t, so that every
 * value is stored once. The passes run in SIMD ({@link VectorTileRows}) where the Vector API is there, with the same
 * bits as their scalar twin here.
 */
public final class TileTransform {
    private final int rows, cols;
    /** Per row a of P: its nonzero coefficients and their columns, in column order. */
    private final float[][] coefficients;
    private final int[][] columns;
    private final int[] offsets;
    private final float[] half;

    /** P [rows, cols] row-major; blocks of {@code cols}×{@code cols} rows of up to {@code maxWidth} values. */
    public TileTransform(float[] p, int rows, int cols, int maxWidth) {
        if (p.length != rows * cols) throw new IllegalArgumentException("P has " + p.length + " values, not " + rows + "×" + cols);
        this.rows = rows;
        this.cols = cols;
        this.coefficients = new float[rows][];
        this.columns = new int[rows][];
        for (int a = 0; a < rows; a++) {
            int terms = 0;
            for (int i = 0; i < cols; i++) {
                if (p[a * cols + i] != 0) terms++;
            }
            if (terms == 0) throw new IllegalArgumentException("row " + a + " of P is all zeros");
            coefficients[a] = new float[terms];
            columns[a] = new int[terms];
            for (int i = 0, t = 0; i < cols; i++) {
                if (p[a * cols + i] == 0) continue;
                coefficients[a][t] = p[a * cols + i];
                columns[a][t++] = i;
            }
        }
        this.offsets = new int[cols];
        this.half = new float[rows * cols * maxWidth];
    }

    /**
     * out[a][b][k] = Σ_i Σ_j P[a][i]·P[b][j]·in[i][j][k] for a, b < rows, k < width, with in[i][j][k] at
     * {@code inAt + i·inRow + j·inCol + k} (i, j < cols) and out[a][b][k] at {@code outAt + a·outRow + b·outCol + k}.
     */
    public void apply(float[] in, int inAt, int inRow, int inCol, float[] out, int outAt, int outRow, int outCol, int width) {
        // half[a][j][k] = Σ_i P[a][i]·in[i][j][k]: along the first axis, all of a row's cols·width values at once when contiguous.
        int span = cols * width;
        for (int a = 0; a < rows; a++) {
            if (inCol == width) {
                combine(a, in, inAt, inRow, half, a * span, span);
            } else {
                for (int j = 0; j < cols; j++) combine(a, in, inAt + j * inCol, inRow, half, a * span + j * width, width);
            }
        }
        // out[a][b][k] = Σ_j P[b][j]·half[a][j][k]: along the second axis.
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < rows; b++) combine(b, half, a * span, width, out, outAt + a * outRow + b * outCol, width);
        }
    }

    /** y[yAt + k] = Σ_t P[row][i_t]·x[xAt + i_t·stride + k] over row's nonzero columns i_t, for k < n. */
    private void combine(int row, float[] x, int xAt, int stride, float[] y, int yAt, int n) {
        int[] at = columns[row];
        int terms = at.length;
        for (int t = 0; t < terms; t++) offsets[t] = xAt + at[t] * stride;
        if (Simd.available()) VectorTileRows.combine(coefficients[row], offsets, terms, x, y, yAt, n);
        else combineFloat(coefficients[row], offsets, terms, x, y, yAt, 0, n);
    }

    /** y[yAt + k] = Σ_t c[t]·x[at[t] + k] for from ≤ k < n, the terms added in order. */
    static void combineFloat(float[] c, int[] at, int terms, float[] x, float[] y, int yAt, int from, int n) {
        for (int k = from; k < n; k++) {
            float sum = c[0] * x[at[0] + k];
            for (int t = 1; t < terms; t++) sum += c[t] * x[at[t] + k];
            y[yAt + k] = sum;
        }
    }
}
