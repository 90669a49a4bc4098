package io.spindle.core.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The part [from, from + length) of an optimizer state that one optimizer updates, and the step counter
 * it advances. A whole optimizer's slice is all of its state; a shard's slice is a window onto its
 * parent's buffer and counter, so stepping the shard leaves its results in the parent (the sharded step:
 * each worker updates one slice, the collective gathers the rest).
 */
final class StateSlice {
    private final INDArray buffer;     // rows × total values, row r holding one quantity per parameter
    private final long total;
    private final long from;
    private final long length;
    private final long[] iteration;    // one counter shared by a parent and its shards
    private final boolean advances;    // false for one range of a several-range shard, which advances once per step

    private StateSlice(INDArray buffer, long total, long from, long length, long[] iteration, boolean advances) {
        this.buffer = buffer;
        this.total = total;
        this.from = from;
        this.length = length;
        this.iteration = iteration;
        this.advances = advances;
    }

    /** A fresh zero state of {@code rows} rows for {@code total} parameters. */
    static StateSlice whole(DataType type, int rows, long total) {
        long n = rows * total;
        INDArray buffer = FlatOptimizer.zeros(type, n);
        return new StateSlice(buffer, total, 0, total, new long[1], true);
    }

    /** The window [from, to) of this slice (offsets relative to it), sharing buffer and counter. */
    StateSlice sub(long from, long to) {
        if (from < 0 || to > length || from > to) {
            throw new IllegalArgumentException("a shard must lie within [0, " + length + "] but was [" + from + ", " + to + ")");
        }
        return new StateSlice(buffer, total, this.from + from, to - from, iteration, true);
    }

    /** {@link #sub} whose steps leave the shared counter alone: the caller advances it once for all its ranges. */
    StateSlice follower(long from, long to) {
        StateSlice sub = sub(from, to);
        return new StateSlice(buffer, total, sub.from, sub.length, iteration, false);
    }

    /** Row {@code r} of this slice, a c-ordered view. */
    INDArray row(int r) {
        long start = r * total + from;
        return FlatOptimizer.cOrdered(buffer.get(NDArrayIndex.interval(start, start + length)));
    }

    long length() {
        return length;
    }

    /** The whole state buffer, of every slice. */
    INDArray buffer() {
        return buffer;
    }

    long iteration() {
        return iteration[0];
    }

    void setIteration(long value) {
        iteration[0] = value;
    }

    void advance() {
        if (advances) iteration[0]++;
    }

    /** Advances the shared counter whatever this slice's own steps do. */
    void advanceShared() {
        iteration[0]++;
    }
}
