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
}
