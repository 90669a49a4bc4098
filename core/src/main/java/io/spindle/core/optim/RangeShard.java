package io.spindle.core.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * A shard made of several parameter ranges stepped as one step (see {@link Optimizer#shard(List)}): each range has
 * its own optimizer over its slice of the state, all reading the one step counter, which advances once per step.
 */
final class RangeShard implements Optimizer.ByRange {
    private final List<Range> ranges;
    private final List<Optimizer> parts;
    private final StateSlice slice;
    private final long numParams;
    private final LearningRateSchedule schedule;
    private INDArray params, grads;
    private INDArray[] paramViews, gradViews;

    RangeShard(List<Range> ranges, List<Optimizer> parts, StateSlice slice, long numParams, LearningRateSchedule schedule) {
        this.ranges = List.copyOf(ranges);
        this.parts = List.copyOf(parts);
        this.slice = slice;
        this.numParams = numParams;
        this.schedule = schedule;
    }

    @Override
    public void step(INDArray params, INDArray grads) {
        for (int i = 0; i < parts.size(); i++) stepRange(i, params, grads);
        finishStep();
    }

    @Override
    public void stepRange(int index, INDArray params, INDArray grads) {
        if (params.length() != numParams || grads.length() != numParams) {
            throw new IllegalArgumentException("a shard of several ranges steps with the whole buffers of " + numParams
                    + " values, got " + params.length() + " and " + grads.length());
        }
        views(params, grads);
        if (paramViews[index] != null) parts.get(index).step(paramViews[index], gradViews[index]);
    }

    @Override
    public void finishStep() {
        slice.advanceShared();
    }

    /**
     * Views of each range, made again only when the caller passes other buffers (a network keeps its own for life).
     * Synchronized: the ranges of one step may be stepped from two threads, one after the other.
     */
    private synchronized void views(INDArray params, INDArray grads) {
        if (params == this.params && grads == this.grads) return;
        INDArray[] p = new INDArray[ranges.size()];
        INDArray[] g = new INDArray[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            if (r.to() == r.from()) continue;   // an empty range has nothing to step
            p[i] = params.get(NDArrayIndex.interval(r.from(), r.to()));
            g[i] = grads.get(NDArrayIndex.interval(r.from(), r.to()));
        }
        paramViews = p;
        gradViews = g;
        this.params = params;
        this.grads = grads;
    }

    @Override
    public INDArray state() {
        return slice.buffer();
    }

    @Override
    public long iteration() {
        return slice.iteration();
    }

    @Override
    public void restore(INDArray state, long iteration) {
        throw new UnsupportedOperationException("restore the whole optimizer, whose state this shard shares");
    }

    @Override
    public boolean shardable() {
        return false;
    }

    @Override
    public Optimizer shard(long from, long to) {
        throw new IllegalStateException("a shard of several ranges cannot be sharded again");
    }

    @Override
    public Optimizer shard(List<Range> ranges) {
        throw new IllegalStateException("a shard of several ranges cannot be sharded again");
    }

    @Override
    public double learningRate() {
        return schedule.rate(slice.iteration());
    }
}
