package io.spindle.worker.collective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A collective that passes every call to another, for wrappers that add to a few calls (failure injection,
 * recording in tests). It forwards the interface's default methods too: a wrapper that fell back to a default
 * ({@link #shardOf}) where the wrapped transport has its own would make its rank
 * disagree with the others about shards or sharing.
 */
public abstract class ForwardingCollective implements Collective {
    protected final Collective inner;

    protected ForwardingCollective(Collective inner) {
        this.inner = inner;
    }

    @Override
    public int rank() {
        return inner.rank();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void allReduceMean(INDArray buffer) {
        inner.allReduceMean(buffer);
    }

    @Override
    public void allReduceMean(INDArray buffer, long from, long to) {
        inner.allReduceMean(buffer, from, to);
    }

    @Override
    public Shard shardOf(long n) {
        return inner.shardOf(n);
    }

    @Override
    public Shard shardOf(long from, long to) {
        return inner.shardOf(from, to);
    }

    @Override
    public void reduceScatterMean(INDArray buffer) {
        inner.reduceScatterMean(buffer);
    }

    @Override
    public void reduceScatterMean(INDArray buffer, long from, long to) {
        inner.reduceScatterMean(buffer, from, to);
    }

    @Override
    public void allGather(INDArray buffer) {
        inner.allGather(buffer);
    }

    @Override
    public void allGather(INDArray buffer, long from, long to) {
        inner.allGather(buffer, from, to);
    }

    @Override
    public void allGatherInWireFormat(INDArray buffer, long from, long to) {
        inner.allGatherInWireFormat(buffer, from, to);
    }

    @Override
    public boolean roundsOnTheWire() {
        return inner.roundsOnTheWire();
    }

    @Override
    public void broadcast(INDArray buffer, int root) {
        inner.broadcast(buffer, root);
    }

    @Override
    public void barrier() {
        inner.barrier();
    }

    @Override
    public void abandon(String reason) {
        inner.abandon(reason);
    }

    @Override
    public void close() {
        inner.close();
    }
}
