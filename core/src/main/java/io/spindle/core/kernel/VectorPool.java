package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD part of {@link MaxPool}'s 2×2, stride-2 windows: eight input columns of two rows give four outputs.
 * The same comparisons in the same order as the scalar loop, so the same maxima and offsets. Names the incubator
 * Vector API: load only after {@link Simd#available()}.
 */
final class VectorPool {
    private static final VectorSpecies<Float> EIGHT = FloatVector.SPECIES_256, FOUR = FloatVector.SPECIES_128;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Lane 2k gets lane 2k + 1: the right neighbour of each window's left column. */
    private static final VectorShuffle<Float> RIGHT = VectorShuffle.fromValues(EIGHT, 1, 0, 3, 2, 5, 4, 7, 6);
    /** The even lanes (the windows) to lanes 0-3. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromValues(EIGHT, 0, 2, 4, 6, 1, 3, 5, 7);

    private VectorPool() {
    }

    /**
     * Outputs [0, n) of the output row at {@code o}, whose windows start at input row {@code top} of width w, as far
     * as whole vectors go; returns how many it wrote (the caller's scalar loop takes the rest).
     */
    static int twoByTwo(ByteBuffer in, ByteBuffer out, float[] offsets, int top, int w, int o, int n) {
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            FloatVector a = FloatVector.fromByteBuffer(EIGHT, in, (top + 2 * j) * 4, ORDER);
            FloatVector c = FloatVector.fromByteBuffer(EIGHT, in, (top + w + 2 * j) * 4, ORDER);
            FloatVector max = a, at = FloatVector.zero(EIGHT);
            FloatVector b = a.rearrange(RIGHT), d = c.rearrange(RIGHT);
            VectorMask<Float> gt = b.compare(VectorOperators.GT, max);
            max = max.blend(b, gt);
            at = at.blend(1f, gt);
            gt = c.compare(VectorOperators.GT, max);
            max = max.blend(c, gt);
            at = at.blend(w, gt);
            gt = d.compare(VectorOperators.GT, max);
            max = max.blend(d, gt);
            at = at.blend(w + 1, gt);
            max.rearrange(EVENS).reinterpretShape(FOUR, 0).intoByteBuffer(out, (o + j) * 4, ORDER);
            ((FloatVector) at.rearrange(EVENS).reinterpretShape(FOUR, 0)).intoArray(offsets, o + j);
        }
        return j;
    }
}
