package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * The passes of a normalisation over contiguous float rows (a batch-norm channel's H·W values of one sample):
 * shifted sums for the statistics, the affine normalisation, the two gradient sums and the input gradient.
 * Sums run in eight interleaved partial sums, added in lane order at the end, then the tail: SIMD (a 256-bit
 * vector of eight lanes, on every machine) and the scalar twin add the same numbers in the same order, so they
 * agree bit for bit, and so do machines with different vector widths.
 */
public final class RowLoops {
    static final int LANES = 8;

    private RowLoops() {
    }

    /** {@code out[0] = Σ (x − shift)}, {@code out[1] = Σ (x − shift)²} over x[from, from + n). */
    public static void shiftedSums(ByteBuffer x, int from, int n, float shift, float[] out) {
        if (Simd.available()) VectorRows.shiftedSums(x, from, n, shift, out); else shiftedSumsFloat(x, from, n, shift, out);
    }

    /** {@code out[0] = Σ dy}, {@code out[1] = Σ dy·x̂} with x̂ = (x − mean)·invStd, over [from, from + n). */
    public static void gradientSums(ByteBuffer dy, ByteBuffer x, int from, int n, float mean, float invStd, float[] out) {
        if (Simd.available()) VectorRows.gradientSums(dy, x, from, n, mean, invStd, out); else gradientSumsFloat(dy, x, from, n, mean, invStd, out);
    }

    /** {@code y = ((x − mean)·invStd)·gamma + beta} over [from, from + n). */
    public static void normalize(ByteBuffer x, ByteBuffer y, int from, int n, float mean, float invStd, float gamma, float beta) {
        if (Simd.available()) VectorRows.normalize(x, y, from, n, mean, invStd, gamma, beta); else normalizeFloat(x, y, from, from + n, mean, invStd, gamma, beta);
    }

    /** {@code dx = ((dy − a) − x̂·b)·k} with x̂ = (x − mean)·invStd, over [from, from + n). */
    public static void normalizeBackward(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int n, float mean, float invStd,
                                         float a, float b, float k) {
        if (Simd.available()) VectorRows.normalizeBackward(dy, x, dx, from, n, mean, invStd, a, b, k);
        else normalizeBackwardFloat(dy, x, dx, from, from + n, mean, invStd, a, b, k);
    }

    static void shiftedSumsFloat(ByteBuffer x, int from, int n, float shift, float[] out) {
        float[] s = new float[LANES], q = new float[LANES];
        int bound = from + n / LANES * LANES;
        for (int i = from; i < bound; i += LANES) {
            for (int l = 0; l < LANES; l++) {
                float d = x.getFloat((i + l) * 4) - shift;
                s[l] += d;
                q[l] += d * d;
            }
        }
        shiftedTail(x, bound, from + n, shift, inOrder(s), inOrder(q), out);
    }

    /** The end both twins share: the lanes' sums, then the tail [from, to) added one by one. */
    static void shiftedTail(ByteBuffer x, int from, int to, float shift, float sum, float squares, float[] out) {
        for (int i = from; i < to; i++) {
            float d = x.getFloat(i * 4) - shift;
            sum += d;
            squares += d * d;
        }
        out[0] = sum;
        out[1] = squares;
    }

    static void gradientSumsFloat(ByteBuffer dy, ByteBuffer x, int from, int n, float mean, float invStd, float[] out) {
        float[] s = new float[LANES], p = new float[LANES];
        int bound = from + n / LANES * LANES;
        for (int i = from; i < bound; i += LANES) {
            for (int l = 0; l < LANES; l++) {
                float g = dy.getFloat((i + l) * 4);
                s[l] += g;
                p[l] += g * ((x.getFloat((i + l) * 4) - mean) * invStd);
            }
        }
        gradientTail(dy, x, bound, from + n, mean, invStd, inOrder(s), inOrder(p), out);
    }

    /** The end both twins share: the lanes' sums, then the tail [from, to) added one by one. */
    static void gradientTail(ByteBuffer dy, ByteBuffer x, int from, int to, float mean, float invStd, float sum, float products, float[] out) {
        for (int i = from; i < to; i++) {
            float g = dy.getFloat(i * 4);
            sum += g;
            products += g * ((x.getFloat(i * 4) - mean) * invStd);
        }
        out[0] = sum;
        out[1] = products;
    }

    /** The partial sums added in lane order: how {@link VectorRows} ends its loops too. */
    static float inOrder(float[] lanes) {
        float sum = lanes[0];
        for (int l = 1; l < LANES; l++) sum += lanes[l];
        return sum;
    }

    static void normalizeFloat(ByteBuffer x, ByteBuffer y, int from, int to, float mean, float invStd, float gamma, float beta) {
        for (int at = from * 4; at < to * 4; at += 4) y.putFloat(at, ((x.getFloat(at) - mean) * invStd) * gamma + beta);
    }

    static void normalizeBackwardFloat(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int to, float mean, float invStd,
                                       float a, float b, float k) {
        for (int at = from * 4; at < to * 4; at += 4) {
            float xhat = (x.getFloat(at) - mean) * invStd;
            dx.putFloat(at, ((dy.getFloat(at) - a) - xhat * b) * k);
        }
    }
}
