package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link MaxPoolRows}: eight outputs from two rows of sixteen inputs. The even and odd columns
 * are split with one-vector shuffles and a blend (and merged back the same way in the backward).
 * Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorMaxPool {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromValues(S, 0, 2, 4, 6, 0, 2, 4, 6);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromValues(S, 1, 3, 5, 7, 1, 3, 5, 7);
    private static final VectorShuffle<Float> LOW_PAIRS = VectorShuffle.fromValues(S, 0, 0, 1, 1, 2, 2, 3, 3);
    private static final VectorShuffle<Float> HIGH_PAIRS = VectorShuffle.fromValues(S, 4, 4, 5, 5, 6, 6, 7, 7);
    private static final VectorMask<Float> UPPER = VectorMask.fromValues(S, false, false, false, false, true, true, true, true);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromValues(S, false, true, false, true, false, true, false, true);

    private VectorMaxPool() {
    }

    /** A row of n ≥ 8 outputs from the input rows at {@code in} and {@code in + w}; the last block ends at the row's end. */
    static void forward(ByteBuffer x, int in, int w, ByteBuffer y, float[] winners, int out, int n) {
        for (int j = 0; j < n; j += 8) {
            int at = Math.min(j, n - 8);
            forwardBlock(x, in + 2 * at, w, y, winners, out + at);
        }
    }

    /** dx of the two input rows at {@code in} and {@code in + w} under a row of n ≥ 8 outputs. */
    static void backward(ByteBuffer dy, float[] winners, int out, ByteBuffer dx, int in, int w, int n) {
        for (int j = 0; j < n; j += 8) {
            int at = Math.min(j, n - 8);
            backwardBlock(dy, winners, out + at, dx, in + 2 * at, w);
        }
    }

    private static void forwardBlock(ByteBuffer x, int in, int w, ByteBuffer y, float[] winners, int out) {
        int a = in * 4, b = a + w * 4;
        FloatVector a0 = FloatVector.fromByteBuffer(S, x, a, ORDER), a1 = FloatVector.fromByteBuffer(S, x, a + 32, ORDER);
        FloatVector b0 = FloatVector.fromByteBuffer(S, x, b, ORDER), b1 = FloatVector.fromByteBuffer(S, x, b + 32, ORDER);
        FloatVector e0 = a0.rearrange(EVENS).blend(a1.rearrange(EVENS), UPPER), o0 = a0.rearrange(ODDS).blend(a1.rearrange(ODDS), UPPER);
        FloatVector e1 = b0.rearrange(EVENS).blend(b1.rearrange(EVENS), UPPER), o1 = b0.rearrange(ODDS).blend(b1.rearrange(ODDS), UPPER);
        FloatVector m = e0.max(o0).max(e1.max(o1));
        m.intoByteBuffer(y, out * 4, ORDER);
        FloatVector.broadcast(S, 3f).blend(2f, e1.compare(VectorOperators.EQ, m)).blend(1f, o0.compare(VectorOperators.EQ, m))
                .blend(0f, e0.compare(VectorOperators.EQ, m)).intoArray(winners, out);
    }

    private static void backwardBlock(ByteBuffer dy, float[] winners, int out, ByteBuffer dx, int in, int w) {
        FloatVector d = FloatVector.fromByteBuffer(S, dy, out * 4, ORDER), win = FloatVector.fromArray(S, winners, out);
        FloatVector zero = FloatVector.zero(S);
        FloatVector e0 = zero.blend(d, win.compare(VectorOperators.EQ, 0f)), o0 = zero.blend(d, win.compare(VectorOperators.EQ, 1f));
        FloatVector e1 = zero.blend(d, win.compare(VectorOperators.EQ, 2f)), o1 = zero.blend(d, win.compare(VectorOperators.EQ, 3f));
        int a = in * 4, b = a + w * 4;
        e0.rearrange(LOW_PAIRS).blend(o0.rearrange(LOW_PAIRS), ODD_LANES).intoByteBuffer(dx, a, ORDER);
        e0.rearrange(HIGH_PAIRS).blend(o0.rearrange(HIGH_PAIRS), ODD_LANES).intoByteBuffer(dx, a + 32, ORDER);
        e1.rearrange(LOW_PAIRS).blend(o1.rearrange(LOW_PAIRS), ODD_LANES).intoByteBuffer(dx, b, ORDER);
        e1.rearrange(HIGH_PAIRS).blend(o1.rearrange(HIGH_PAIRS), ODD_LANES).intoByteBuffer(dx, b + 32, ORDER);
    }
}
