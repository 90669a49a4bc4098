package io.spindle.core.train;

import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies chosen rows of a [N, W] source into the first rows of a [B, W] target, one bulk memory copy per row.
 * (Nd4j.pullRows did the same natively but spent longer per call building index and shape buffers.) A source
 * of 2 GiB or more, beyond what one buffer addresses, is gathered by pullRows still.
 */
final class RowGather {
    private final INDArray source, target;   // own the memory below
    private final ByteBuffer from, to;   // null: too big for a buffer
    private final int rowBytes;

    RowGather(INDArray source, INDArray target) {
        if (source.dataType() != target.dataType() || source.size(1) != target.size(1)) {
            throw new IllegalArgumentException("rows of " + source.dataType() + " x " + source.size(1)
                    + " cannot be copied into " + target.dataType() + " x " + target.size(1));
        }
        this.source = Memory.isContiguous(source) ? source : source.dup('c');
        this.target = target;
        boolean fits = this.source.length() * this.source.data().getElementSize() <= Integer.MAX_VALUE;
        this.from = fits ? Memory.of(this.source) : null;
        this.to = fits ? Memory.of(target) : null;
        this.rowBytes = Math.toIntExact(source.size(1) * source.data().getElementSize());
    }

    /** Target row i becomes source row {@code order[first + i]}, for i in [0, count). */
    void gather(int[] order, int first, int count) {
        if (from == null) {
            Nd4j.pullRows(source, target, 1, java.util.Arrays.copyOfRange(order, first, first + count));
            return;
        }
        for (int i = 0; i < count; i++) {
            to.put(i * rowBytes, from, order[first + i] * rowBytes, rowBytes);
        }
    }
}
