package io.spindle.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** Reuse of per-layer work arrays across steps: a new array only when the batch shape changes. */
public final class Buffers {
    private Buffers() {
    }

    /** Returns {@code current} if it already has this type and shape, else a fresh c-order array. */
    public static INDArray reuse(INDArray current, DataType type, long... shape) {
        if (current != null && current.dataType() == type && Arrays.equals(current.shape(), shape)) {
            return current;
        }
        return Nd4j.createUninitialized(type, shape, 'c');
    }

    /** The batch shape: {@code batch} followed by the per-sample shape. */
    public static long[] withBatch(long batch, long[] sampleShape) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = batch;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    public static long product(long[] shape) {
        long p = 1;
        for (long d : shape) p = Math.multiplyExact(p, d);
        return p;
    }
}
