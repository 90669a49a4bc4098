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
        float n = in.length;
        for (int at = from * 4, end = to * 4; at < end; at += 4) {
            float sum = in[0].getFloat(at);
            for (int r = 1; r < in.length; r++) sum += in[r].getFloat(at);
            out.putFloat(at, sum / n);
        }
    }
}
