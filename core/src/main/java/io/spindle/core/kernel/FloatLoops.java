package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/** Element-wise loops over float32 buffers from {@link Memory#of}, SIMD when {@link Simd#available()}. */
public final class FloatLoops {
    private FloatLoops() {
    }

    /**
     * {@code out[i] = (in[0][i] + in[1][i] + … + in[n-1][i]) / n} for i in [from, to): summed in the order given,
     * then divided, so the bits are those of the same sums and division done one by one. {@code out} may be one of {@code in}.
     */
    public static void mean(ByteBuffer[] in, ByteBuffer out, int from, int to) {
        if (Simd.available()) {
            VectorLoops.mean(in, out, from, to);
        } else {
            scalarMean(in, out, from, to);
        }
    }

    static void scalarMean(ByteBuffer[] in, ByteBuffer out, int from, int to) {
        for (int at = from * 4, end = to * 4; at < end; at += 4) out.putFloat(at, meanAt(in, at));
    }

    /** The element at byte offset {@code at} of {@code in}'s mean, summed in the order given, then divided by their number. */
    static float meanAt(ByteBuffer[] in, int at) {
        float sum = in[0].getFloat(at);
        for (int r = 1; r < in.length; r++) sum += in[r].getFloat(at);
        return sum / in.length;
    }

    /**
     * {@code out[outFrom + i] = (out[outFrom + i] + in[i]) / divisor} for i in [0, n), or without the division
     * when {@code divisor} is 1: a received piece added into a ring's chunk, and the mean taken by its owner.
     */
    public static void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor) {
        if (Simd.available()) {
            VectorLoops.addInto(out, outFrom, in, n, divisor);
        } else {
            scalarAddInto(out, outFrom, in, 0, n, divisor);
        }
    }

    static void scalarAddInto(ByteBuffer out, int outFrom, ByteBuffer in, int from, int n, float divisor) {
        for (int i = from; i < n; i++) {
            int at = (outFrom + i) * 4;
            float sum = out.getFloat(at) + in.getFloat(i * 4);
            out.putFloat(at, divisor == 1 ? sum : sum / divisor);
        }
    }
}
