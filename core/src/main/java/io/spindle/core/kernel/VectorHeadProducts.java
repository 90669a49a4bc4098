package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twin of {@link HeadProducts#multiply}: tiles of four rows by two vectors (eight independent sums, so the
 * fused multiply-adds do not wait on each other), then four rows by one vector, then the rows left over one vector at a
 * time; columns past the last whole vector go to the scalar definition. Each element is summed in the scalar order.
 * Every vector stays inside this one method (see {@link VectorWidth}). Load only after {@link Simd#available()}.
 */
final class VectorHeadProducts {
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    private static final int LANES = 8;

    private VectorHeadProducts() {
    }

    static void multiply(float[] a, int aFrom, int aRow, int aDepth, int m, int depth,
                         float[] b, int bFrom, int ldb, int n, float alpha, float[] c, int cFrom, int ldc) {
        int whole = n / LANES * LANES, tiled = m / 4 * 4;
        for (int r = 0; r < tiled; r += 4) {
            int a0 = aFrom + r * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow, c0 = cFrom + r * ldc;
            int j = 0;
            for (; j + 2 * LANES <= whole; j += 2 * LANES) {
                FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
                for (int d = 0; d < depth; d++) {
                    int bAt = bFrom + d * ldb + j, ad = d * aDepth;
                    FloatVector b0 = FloatVector.fromArray(F, b, bAt), b1 = FloatVector.fromArray(F, b, bAt + LANES);
                    FloatVector x0 = FloatVector.broadcast(F, a[a0 + ad]), x1 = FloatVector.broadcast(F, a[a1 + ad]);
                    FloatVector x2 = FloatVector.broadcast(F, a[a2 + ad]), x3 = FloatVector.broadcast(F, a[a3 + ad]);
                    s00 = x0.fma(b0, s00);
                    s01 = x0.fma(b1, s01);
                    s10 = x1.fma(b0, s10);
                    s11 = x1.fma(b1, s11);
                    s20 = x2.fma(b0, s20);
                    s21 = x2.fma(b1, s21);
                    s30 = x3.fma(b0, s30);
                    s31 = x3.fma(b1, s31);
                }
                s00.mul(alpha).intoArray(c, c0 + j);
                s01.mul(alpha).intoArray(c, c0 + j + LANES);
                s10.mul(alpha).intoArray(c, c0 + ldc + j);
                s11.mul(alpha).intoArray(c, c0 + ldc + j + LANES);
                s20.mul(alpha).intoArray(c, c0 + 2 * ldc + j);
                s21.mul(alpha).intoArray(c, c0 + 2 * ldc + j + LANES);
                s30.mul(alpha).intoArray(c, c0 + 3 * ldc + j);
                s31.mul(alpha).intoArray(c, c0 + 3 * ldc + j + LANES);
            }
            if (j < whole) {
                FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
                for (int d = 0; d < depth; d++) {
                    int ad = d * aDepth;
                    FloatVector b0 = FloatVector.fromArray(F, b, bFrom + d * ldb + j);
                    s0 = FloatVector.broadcast(F, a[a0 + ad]).fma(b0, s0);
                    s1 = FloatVector.broadcast(F, a[a1 + ad]).fma(b0, s1);
                    s2 = FloatVector.broadcast(F, a[a2 + ad]).fma(b0, s2);
                    s3 = FloatVector.broadcast(F, a[a3 + ad]).fma(b0, s3);
                }
                s0.mul(alpha).intoArray(c, c0 + j);
                s1.mul(alpha).intoArray(c, c0 + ldc + j);
                s2.mul(alpha).intoArray(c, c0 + 2 * ldc + j);
                s3.mul(alpha).intoArray(c, c0 + 3 * ldc + j);
            }
        }
        for (int r = tiled; r < m; r++) {
            int ar = aFrom + r * aRow;
            for (int j = 0; j < whole; j += LANES) {
                FloatVector s = FloatVector.zero(F);
                for (int d = 0; d < depth; d++) s = FloatVector.broadcast(F, a[ar + d * aDepth]).fma(FloatVector.fromArray(F, b, bFrom + d * ldb + j), s);
                s.mul(alpha).intoArray(c, cFrom + r * ldc + j);
            }
        }
        if (whole < n) HeadProducts.multiplyFloat(a, aFrom, aRow, aDepth, 0, m, depth, b, bFrom, ldb, whole, n, alpha, c, cFrom, ldc);
    }
}
