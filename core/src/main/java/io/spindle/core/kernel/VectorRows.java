package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link RowLoops}. Sums use eight lanes whatever the machine's width, so their order is that
 * of the scalar twin's eight partial sums; no vector crosses a method boundary (see {@link VectorMath}).
 * Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorRows {
    private static final VectorSpecies<Float> EIGHT = VectorWidth.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorRows() {
    }

    static void shiftedSums(ByteBuffer x, int from, int n, float shift, float[] out) {
        FloatVector s = FloatVector.zero(EIGHT), q = s;
        int bound = from + n / RowLoops.LANES * RowLoops.LANES;
        for (int i = from; i < bound; i += RowLoops.LANES) {
            FloatVector d = FloatVector.fromByteBuffer(EIGHT, x, i * 4, ORDER).sub(shift);
            s = s.add(d);
            q = q.add(d.mul(d));
        }
        float sSum = s.lane(0);
        for (int l = 1; l < RowLoops.LANES; l++) sSum += s.lane(l);   // lane order, as RowLoops.inOrder; no array per row
        float qSum = q.lane(0);
        for (int l = 1; l < RowLoops.LANES; l++) qSum += q.lane(l);   // lane order, as RowLoops.inOrder; no array per row
        RowLoops.shiftedTail(x, bound, from + n, shift, sSum, qSum, out);
    }

    static void gradientSums(ByteBuffer dy, ByteBuffer x, int from, int n, float mean, float invStd, float[] out) {
        FloatVector s = FloatVector.zero(EIGHT), p = s;
        int bound = from + n / RowLoops.LANES * RowLoops.LANES;
        for (int i = from; i < bound; i += RowLoops.LANES) {
            FloatVector g = FloatVector.fromByteBuffer(EIGHT, dy, i * 4, ORDER);
            s = s.add(g);
            p = p.add(g.mul(FloatVector.fromByteBuffer(EIGHT, x, i * 4, ORDER).sub(mean).mul(invStd)));
        }
        float sSum = s.lane(0);
        for (int l = 1; l < RowLoops.LANES; l++) sSum += s.lane(l);   // lane order, as RowLoops.inOrder; no array per row
        float pSum = p.lane(0);
        for (int l = 1; l < RowLoops.LANES; l++) pSum += p.lane(l);   // lane order, as RowLoops.inOrder; no array per row
        RowLoops.gradientTail(dy, x, bound, from + n, mean, invStd, sSum, pSum, out);
    }

    static void normalize(ByteBuffer x, ByteBuffer y, int from, int n, float mean, float invStd, float gamma, float beta) {
        int bound = from + EIGHT.loopBound(n);
        for (int at = from * 4; at < bound * 4; at += EIGHT.length() * 4) {
            FloatVector.fromByteBuffer(EIGHT, x, at, ORDER).sub(mean).mul(invStd).mul(gamma).add(beta).intoByteBuffer(y, at, ORDER);
        }
        RowLoops.normalizeFloat(x, y, bound, from + n, mean, invStd, gamma, beta);
    }

    static void normalizeBackward(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int n, float mean, float invStd,
                                  float a, float b, float k) {
        int bound = from + EIGHT.loopBound(n);
        for (int at = from * 4; at < bound * 4; at += EIGHT.length() * 4) {
            FloatVector xhat = FloatVector.fromByteBuffer(EIGHT, x, at, ORDER).sub(mean).mul(invStd);
            FloatVector.fromByteBuffer(EIGHT, dy, at, ORDER).sub(a).sub(xhat.mul(b)).mul(k).intoByteBuffer(dx, at, ORDER);
        }
        RowLoops.normalizeBackwardFloat(dy, x, dx, bound, from + n, mean, invStd, a, b, k);
    }
}
