package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link ConvTaps}: blocks of four filters (or tap rows) by four vectors of positions, in sixteen
 * accumulators written out one by one, because a vector held in an array or passed to a helper is boxed by C2
 * (see {@link VectorMath}). Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorConvTaps {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = ConvTaps.LANES;

    private VectorConvTaps() {
    }

    static void forward(float[] x, int xAt, int[] shifts, float[] w, int filters, float[] bias, boolean relu,
                        float[] out, int outAt, int outStride, int n) {
        int rows = shifts.length, f = 0;
        for (; f + 4 <= filters; f += 4) {
            for (int p = 0; p < n; p += ConvTaps.BLOCK) {
                FloatVector a00 = FloatVector.broadcast(S, bias[f]), a01 = a00, a02 = a00, a03 = a00;
                FloatVector a10 = FloatVector.broadcast(S, bias[f + 1]), a11 = a10, a12 = a10, a13 = a10;
                FloatVector a20 = FloatVector.broadcast(S, bias[f + 2]), a21 = a20, a22 = a20, a23 = a20;
                FloatVector a30 = FloatVector.broadcast(S, bias[f + 3]), a31 = a30, a32 = a30, a33 = a30;
                for (int r = 0; r < rows; r++) {
                    int at = xAt + shifts[r] + p, wAt = r * filters + f;
                    FloatVector x0 = FloatVector.fromArray(S, x, at), x1 = FloatVector.fromArray(S, x, at + L),
                            x2 = FloatVector.fromArray(S, x, at + 2 * L), x3 = FloatVector.fromArray(S, x, at + 3 * L);
                    FloatVector w0 = FloatVector.broadcast(S, w[wAt]);
                    a00 = x0.fma(w0, a00); a01 = x1.fma(w0, a01); a02 = x2.fma(w0, a02); a03 = x3.fma(w0, a03);
                    FloatVector w1 = FloatVector.broadcast(S, w[wAt + 1]);
                    a10 = x0.fma(w1, a10); a11 = x1.fma(w1, a11); a12 = x2.fma(w1, a12); a13 = x3.fma(w1, a13);
                    FloatVector w2 = FloatVector.broadcast(S, w[wAt + 2]);
                    a20 = x0.fma(w2, a20); a21 = x1.fma(w2, a21); a22 = x2.fma(w2, a22); a23 = x3.fma(w2, a23);
                    FloatVector w3 = FloatVector.broadcast(S, w[wAt + 3]);
                    a30 = x0.fma(w3, a30); a31 = x1.fma(w3, a31); a32 = x2.fma(w3, a32); a33 = x3.fma(w3, a33);
                }
                if (relu) {
                    a00 = a00.max(0f); a01 = a01.max(0f); a02 = a02.max(0f); a03 = a03.max(0f);
                    a10 = a10.max(0f); a11 = a11.max(0f); a12 = a12.max(0f); a13 = a13.max(0f);
                    a20 = a20.max(0f); a21 = a21.max(0f); a22 = a22.max(0f); a23 = a23.max(0f);
                    a30 = a30.max(0f); a31 = a31.max(0f); a32 = a32.max(0f); a33 = a33.max(0f);
                }
                int o0 = outAt + f * outStride + p;
                a00.intoArray(out, o0); a01.intoArray(out, o0 + L); a02.intoArray(out, o0 + 2 * L); a03.intoArray(out, o0 + 3 * L);
                int o1 = outAt + (f + 1) * outStride + p;
                a10.intoArray(out, o1); a11.intoArray(out, o1 + L); a12.intoArray(out, o1 + 2 * L); a13.intoArray(out, o1 + 3 * L);
                int o2 = outAt + (f + 2) * outStride + p;
                a20.intoArray(out, o2); a21.intoArray(out, o2 + L); a22.intoArray(out, o2 + 2 * L); a23.intoArray(out, o2 + 3 * L);
                int o3 = outAt + (f + 3) * outStride + p;
                a30.intoArray(out, o3); a31.intoArray(out, o3 + L); a32.intoArray(out, o3 + 2 * L); a33.intoArray(out, o3 + 3 * L);
            }
        }
        for (; f < filters; f++) {
            for (int p = 0; p < n; p += ConvTaps.BLOCK) {
                FloatVector a0 = FloatVector.broadcast(S, bias[f]), a1 = a0, a2 = a0, a3 = a0;
                for (int r = 0; r < rows; r++) {
                    int at = xAt + shifts[r] + p;
                    FloatVector wr = FloatVector.broadcast(S, w[r * filters + f]);
                    a0 = FloatVector.fromArray(S, x, at).fma(wr, a0);
                    a1 = FloatVector.fromArray(S, x, at + L).fma(wr, a1);
                    a2 = FloatVector.fromArray(S, x, at + 2 * L).fma(wr, a2);
                    a3 = FloatVector.fromArray(S, x, at + 3 * L).fma(wr, a3);
                }
                if (relu) {
                    a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
                }
                int o = outAt + f * outStride + p;
                a0.intoArray(out, o); a1.intoArray(out, o + L); a2.intoArray(out, o + 2 * L); a3.intoArray(out, o + 3 * L);
            }
        }
    }

    /** Blocks of four tap rows by four filters; the rest row by row. {@code scratch} holds 16 × 8 lane sums. */
    static void weightGradient(float[] x, int xAt, int[] shifts, float[] g, int gAt, int gStride, int filters, int n,
                               double[] dw, float[] scratch) {
        int rows = shifts.length, r = 0;
        for (; r + 4 <= rows; r += 4) {
            int x0At = xAt + shifts[r], x1At = xAt + shifts[r + 1], x2At = xAt + shifts[r + 2], x3At = xAt + shifts[r + 3];
            int f = 0;
            for (; f + 4 <= filters; f += 4) {
                int g0At = f * gStride + gAt, g1At = g0At + gStride, g2At = g1At + gStride, g3At = g2At + gStride;
                FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
                FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
                FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
                FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
                for (int p = 0; p < n; p += L) {
                    FloatVector x0 = FloatVector.fromArray(S, x, x0At + p), x1 = FloatVector.fromArray(S, x, x1At + p),
                            x2 = FloatVector.fromArray(S, x, x2At + p), x3 = FloatVector.fromArray(S, x, x3At + p);
                    FloatVector g0 = FloatVector.fromArray(S, g, g0At + p);
                    a00 = g0.fma(x0, a00); a10 = g0.fma(x1, a10); a20 = g0.fma(x2, a20); a30 = g0.fma(x3, a30);
                    FloatVector g1 = FloatVector.fromArray(S, g, g1At + p);
                    a01 = g1.fma(x0, a01); a11 = g1.fma(x1, a11); a21 = g1.fma(x2, a21); a31 = g1.fma(x3, a31);
                    FloatVector g2 = FloatVector.fromArray(S, g, g2At + p);
                    a02 = g2.fma(x0, a02); a12 = g2.fma(x1, a12); a22 = g2.fma(x2, a22); a32 = g2.fma(x3, a32);
                    FloatVector g3 = FloatVector.fromArray(S, g, g3At + p);
                    a03 = g3.fma(x0, a03); a13 = g3.fma(x1, a13); a23 = g3.fma(x2, a23); a33 = g3.fma(x3, a33);
                }
                a00.intoArray(scratch, 0); a01.intoArray(scratch, 8); a02.intoArray(scratch, 16); a03.intoArray(scratch, 24);
                a10.intoArray(scratch, 32); a11.intoArray(scratch, 40); a12.intoArray(scratch, 48); a13.intoArray(scratch, 56);
                a20.intoArray(scratch, 64); a21.intoArray(scratch, 72); a22.intoArray(scratch, 80); a23.intoArray(scratch, 88);
                a30.intoArray(scratch, 96); a31.intoArray(scratch, 104); a32.intoArray(scratch, 112); a33.intoArray(scratch, 120);
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) dw[(r + i) * filters + f + j] += RowLoops.inOrder(scratch, (4 * i + j) * L);
                }
            }
            for (; f < filters; f++) {
                int gfAt = f * gStride + gAt;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int p = 0; p < n; p += L) {
                    FloatVector gv = FloatVector.fromArray(S, g, gfAt + p);
                    a0 = gv.fma(FloatVector.fromArray(S, x, x0At + p), a0);
                    a1 = gv.fma(FloatVector.fromArray(S, x, x1At + p), a1);
                    a2 = gv.fma(FloatVector.fromArray(S, x, x2At + p), a2);
                    a3 = gv.fma(FloatVector.fromArray(S, x, x3At + p), a3);
                }
                a0.intoArray(scratch, 0); a1.intoArray(scratch, L); a2.intoArray(scratch, 2 * L); a3.intoArray(scratch, 3 * L);
                for (int i = 0; i < 4; i++) dw[(r + i) * filters + f] += RowLoops.inOrder(scratch, i * L);
            }
        }
        for (; r < rows; r++) {
            int xrAt = xAt + shifts[r];
            for (int f = 0; f < filters; f++) {
                int gfAt = f * gStride + gAt;
                FloatVector a = FloatVector.zero(S);
                for (int p = 0; p < n; p += L) a = FloatVector.fromArray(S, g, gfAt + p).fma(FloatVector.fromArray(S, x, xrAt + p), a);
                a.intoArray(scratch, 0);
                dw[r * filters + f] += RowLoops.inOrder(scratch, 0);
            }
        }
    }

    static void biasGradient(float[] g, int gAt, int gStride, int filters, int n, double[] db, float[] scratch) {
        for (int f = 0; f < filters; f++) {
            int gfAt = f * gStride + gAt;
            FloatVector a = FloatVector.zero(S);
            for (int p = 0; p < n; p += L) a = a.add(FloatVector.fromArray(S, g, gfAt + p));
            a.intoArray(scratch, 0);
            db[f] += RowLoops.inOrder(scratch, 0);
        }
    }

    static void keepWherePositive(float[] g, int gAt, int gStride, float[] y, int yAt, int yStride, int filters, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int f = 0; f < filters; f++) {
            int gf = f * gStride + gAt, yf = yAt + f * yStride;
            for (int p = 0; p < n; p += L) {
                zero.blend(FloatVector.fromArray(S, g, gf + p), FloatVector.fromArray(S, y, yf + p).compare(VectorOperators.GT, 0f))
                        .intoArray(g, gf + p);
            }
        }
    }
}
