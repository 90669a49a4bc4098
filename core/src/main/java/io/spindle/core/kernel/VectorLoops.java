package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD loops. This class names the incubator Vector API, so only callers that checked
 * {@link Simd#available()} may load it. Each loop does, lane by lane, exactly the operations of its
 * scalar twin (no fused multiply-add), and hands the tail to that twin.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLoops() {
    }

    static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int n,
                     float beta1, float beta2, float alpha, float epsilon) {
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0, end = bound * 4; at < end; at += step) {
            adam(FloatVector.fromByteBuffer(FLOATS, g, at, ORDER), p, m, v, at, beta1, beta2, alpha, epsilon);
        }
        AdamKernel.scalarFloat(p, g, m, v, bound, n, beta1, beta2, alpha, epsilon);
    }

    /**
     * Adam on the mean of {@code gradients} (see {@link AdamKernel#stepOnMean}): each lane's gradient is summed and
     * divided exactly as {@link #mean} does, then updated exactly as {@link #adam} does.
     */
    static void adamOnMean(ByteBuffer p, ByteBuffer[] gradients, ByteBuffer m, ByteBuffer v, int n,
                           float beta1, float beta2, float alpha, float epsilon) {
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0, end = bound * 4; at < end; at += step) {
            adam(meanAt(gradients, at), p, m, v, at, beta1, beta2, alpha, epsilon);
        }
        AdamKernel.scalarFloatOnMean(p, gradients, m, v, bound, n, beta1, beta2, alpha, epsilon);
    }

    /** One vector of Adam at byte offset {@code at}, its gradient {@code g} already loaded (or averaged). */
    private static void adam(FloatVector g, ByteBuffer p, ByteBuffer m, ByteBuffer v, int at,
                             float beta1, float beta2, float alpha, float epsilon) {
        // Flushed as in AdamKernel.scalarFloat (see TinyValues).
        FloatVector gi = flushed(g, TinyValues.GRADIENT);
        FloatVector mi = flushed(FloatVector.fromByteBuffer(FLOATS, m, at, ORDER).mul(beta1).add(gi.mul(1 - beta1)), TinyValues.AVERAGE);
        FloatVector vi = flushed(FloatVector.fromByteBuffer(FLOATS, v, at, ORDER).mul(beta2).add(gi.mul(gi).mul(1 - beta2)), TinyValues.AVERAGE);
        mi.intoByteBuffer(m, at, ORDER);
        vi.intoByteBuffer(v, at, ORDER);
        FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, ORDER);
        pi.sub(mi.mul(alpha).div(vi.lanewise(VectorOperators.SQRT).add(epsilon))).intoByteBuffer(p, at, ORDER);
    }

    static void rmsProp(ByteBuffer p, ByteBuffer g, ByteBuffer s, int n, float rho, float rate, float epsilon) {
        float keep = 1 - rho;
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0, end = bound * 4; at < end; at += step) {
            FloatVector gi = flushed(FloatVector.fromByteBuffer(FLOATS, g, at, ORDER), TinyValues.GRADIENT);
            FloatVector si = flushed(FloatVector.fromByteBuffer(FLOATS, s, at, ORDER).mul(rho).add(gi.mul(gi).mul(keep)), TinyValues.AVERAGE);
            si.intoByteBuffer(s, at, ORDER);
            FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, ORDER);
            pi.sub(gi.mul(rate).div(si.add(epsilon).lanewise(VectorOperators.SQRT))).intoByteBuffer(p, at, ORDER);
        }
        RmsPropKernel.scalarFloat(p, g, s, bound, n, rho, rate, epsilon);
    }

    private static FloatVector flushed(FloatVector x, float tiny) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, tiny));
    }

    static void mean(ByteBuffer[] in, ByteBuffer out, int from, int to) {
        int lanes = FLOATS.length(), bound = from + FLOATS.loopBound(to - from);
        for (int at = from * 4, end = bound * 4; at < end; at += lanes * 4) {
            meanAt(in, at).intoByteBuffer(out, at, ORDER);
        }
        FloatLoops.scalarMean(in, out, bound, to);
    }

    /**
     * The lanes at byte offset {@code at} of {@code in}'s mean: summed in the order given, then divided by their
     * number. The one definition {@link #mean} and {@link #adamOnMean} share, so the reduce-scatter and the update
     * that averages in its own pass give the same bits.
     */
    private static FloatVector meanAt(ByteBuffer[] in, int at) {
        if (in.length == 2) {   // 2 in-JVM ranks, every step: ~25% faster without the loop over inputs (x·0.5 is x/2 exactly)
            return FloatVector.fromByteBuffer(FLOATS, in[0], at, ORDER).add(FloatVector.fromByteBuffer(FLOATS, in[1], at, ORDER)).mul(0.5f);
        }
        FloatVector sum = FloatVector.fromByteBuffer(FLOATS, in[0], at, ORDER);
        for (int r = 1; r < in.length; r++) sum = sum.add(FloatVector.fromByteBuffer(FLOATS, in[r], at, ORDER));
        return in.length == 1 ? sum : divided(sum, in.length);
    }

    /**
     * {@code x / divisor}. By a power of two it multiplies by the exact reciprocal, which IEEE makes the same bits as
     * the division (both round the same exact quotient), and a vector multiply issues every cycle where a 512-bit
     * divide takes ~10: the division was half of the in-JVM reduce-scatter's time.
     */
    private static FloatVector divided(FloatVector x, float divisor) {
        return isPowerOfTwo(divisor) ? x.mul(1f / divisor) : x.div(divisor);
    }

    /** A positive normal float with an all-zero fraction: its reciprocal is exact. */
    private static boolean isPowerOfTwo(float x) {
        int bits = Float.floatToRawIntBits(x);
        return x >= Float.MIN_NORMAL && x < 0x1p126f && (bits & 0x7FFFFF) == 0;
    }

    static void relu(ByteBuffer in, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n);
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int at = 0; at < bound * 4; at += FLOATS.length() * 4) {
            FloatVector v = FloatVector.fromByteBuffer(FLOATS, in, at, ORDER);
            v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoByteBuffer(out, at, ORDER);
        }
        Elementwise.reluFloat(in, out, bound, n);
    }

    static void reluBackward(ByteBuffer in, ByteBuffer grad, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n);
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int at = 0; at < bound * 4; at += FLOATS.length() * 4) {
            FloatVector v = FloatVector.fromByteBuffer(FLOATS, in, at, ORDER);
            FloatVector g = FloatVector.fromByteBuffer(FLOATS, grad, at, ORDER);
            zero.blend(g, v.compare(VectorOperators.GT, 0f)).intoByteBuffer(out, at, ORDER);
        }
        Elementwise.reluBackwardFloat(in, grad, out, bound, n);
    }

    static void scaleShift(ByteBuffer in, ByteBuffer out, int n, float scale, float offset) {
        int bound = FLOATS.loopBound(n);
        for (int at = 0; at < bound * 4; at += FLOATS.length() * 4) {
            FloatVector.fromByteBuffer(FLOATS, in, at, ORDER).mul(scale).add(offset).intoByteBuffer(out, at, ORDER);
        }
        Elementwise.scaleShiftFloat(in, out, bound, n, scale, offset);
    }

    static void add(ByteBuffer a, ByteBuffer b, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n);
        for (int at = 0; at < bound * 4; at += FLOATS.length() * 4) {
            FloatVector.fromByteBuffer(FLOATS, a, at, ORDER).add(FloatVector.fromByteBuffer(FLOATS, b, at, ORDER)).intoByteBuffer(out, at, ORDER);
        }
        Elementwise.addFloat(a, b, out, bound, n);
    }

    static void multiplyScaled(ByteBuffer a, ByteBuffer b, ByteBuffer out, int n, float scale) {
        int bound = FLOATS.loopBound(n);
        for (int at = 0; at < bound * 4; at += FLOATS.length() * 4) {
            FloatVector.fromByteBuffer(FLOATS, a, at, ORDER).mul(FloatVector.fromByteBuffer(FLOATS, b, at, ORDER)).mul(scale)
                    .intoByteBuffer(out, at, ORDER);
        }
        Elementwise.multiplyScaledFloat(a, b, out, bound, n, scale);
    }

    static void addRowToEachRow(ByteBuffer row, ByteBuffer out, int rows, int cols) {
        int bound = FLOATS.loopBound(cols), step = FLOATS.length();
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < bound; c += step) {
                int at = (base + c) * 4;
                FloatVector.fromByteBuffer(FLOATS, out, at, ORDER).add(FloatVector.fromByteBuffer(FLOATS, row, c * 4, ORDER))
                        .intoByteBuffer(out, at, ORDER);
            }
            Elementwise.addRowFloat(row, out, base, bound, cols);
        }
    }

    static void addColumnSums(ByteBuffer in, ByteBuffer sums, int rows, int cols) {
        int bound = FLOATS.loopBound(cols), step = FLOATS.length();
        for (int c = 0; c < bound; c += step) {
            FloatVector acc = FloatVector.zero(FLOATS);
            for (int r = 0; r < rows; r++) acc = acc.add(FloatVector.fromByteBuffer(FLOATS, in, (r * cols + c) * 4, ORDER));
            FloatVector.fromByteBuffer(FLOATS, sums, c * 4, ORDER).add(acc).intoByteBuffer(sums, c * 4, ORDER);
        }
        Elementwise.columnSumsFloat(in, sums, rows, cols, bound, cols);
    }

    static void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            int at = (outFrom + i) * 4;
            FloatVector sum = FloatVector.fromByteBuffer(FLOATS, out, at, ORDER).add(FloatVector.fromByteBuffer(FLOATS, in, i * 4, ORDER));
            (divisor == 1 ? sum : divided(sum, divisor)).intoByteBuffer(out, at, ORDER);
        }
        FloatLoops.scalarAddInto(out, outFrom, in, bound, n, divisor);
    }
}
