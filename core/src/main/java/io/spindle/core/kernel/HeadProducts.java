package io.spindle.core.kernel;

/**
 * The small products of one attention head, on Java arrays: {@code c[r, j] = alpha · Σ_d a(r, d) · b[d, j]} for
 * r in [0, m), j in [0, n), where a's element (r, d) sits at {@code aFrom + r·aRow + d·aDepth} (so a is read as stored
 * or transposed, in place) and b's and c's rows are {@code ldb} and {@code ldc} floats apart. A head's products are
 * tens of rows by tens of columns: a BLAS call per product costs more in its set-up than in its arithmetic, and
 * libnd4j's batched matmul runs them no faster (bench/RESULTS.md, issue 18). Each element sums over d in order with
 * fused multiply-adds, then takes alpha, so the SIMD twin ({@link VectorHeadProducts}) gives the same bits.
 */
public final class HeadProducts {
    private HeadProducts() {
    }

    public static void multiply(float[] a, int aFrom, int aRow, int aDepth, int m, int depth,
                                float[] b, int bFrom, int ldb, int n, float alpha, float[] c, int cFrom, int ldc) {
        if (Simd.available()) {
            VectorHeadProducts.multiply(a, aFrom, aRow, aDepth, m, depth, b, bFrom, ldb, n, alpha, c, cFrom, ldc);
        } else {
            multiplyFloat(a, aFrom, aRow, aDepth, 0, m, depth, b, bFrom, ldb, 0, n, alpha, c, cFrom, ldc);
        }
    }

    /** Rows [rowFrom, rowTo) and columns [columnFrom, columnTo) of the product: the definition, and the SIMD twin's tails. */
    static void multiplyFloat(float[] a, int aFrom, int aRow, int aDepth, int rowFrom, int rowTo, int depth,
                              float[] b, int bFrom, int ldb, int columnFrom, int columnTo, float alpha, float[] c, int cFrom, int ldc) {
        for (int r = rowFrom; r < rowTo; r++) {
            for (int j = columnFrom; j < columnTo; j++) {
                float sum = 0f;
                for (int d = 0; d < depth; d++) sum = Math.fma(a[aFrom + r * aRow + d * aDepth], b[bFrom + d * ldb + j], sum);
                c[cFrom + r * ldc + j] = sum * alpha;
            }
        }
    }

    /**
     * {@code t[d, j] = a[aFrom + j·lda + d]} for d in [0, rows), j in [0, columns): a head's [columns, rows] block
     * of keys or values transposed into [rows, stride] (the caller keeps columns [columns, stride) at 0).
     */
    public static void transpose(float[] a, int aFrom, int lda, int rows, int columns, float[] t, int stride) {
        for (int j = 0; j < columns; j++) {
            int at = aFrom + j * lda;
            for (int d = 0; d < rows; d++) t[d * stride + j] = a[at + d];
        }
    }
}
