package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * The shifted sums of a normalisation's statistics over a contiguous float row (a layer-norm row), and the eight-lane
 * order that every sum of the kernels here follows.
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

    /** The partial sums added in lane order: how {@link VectorRows} ends its loops too. */
    static float inOrder(float[] lanes) {
        float sum = lanes[0];
        for (int l = 1; l < LANES; l++) sum += lanes[l];
        return sum;
    }
}
