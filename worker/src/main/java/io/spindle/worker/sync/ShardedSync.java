package io.spindle.worker.sync;

import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.Shard;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The sharded all-reduce step (ZeRO stage 1): reduce-scatter the gradients, update this rank's shard of the
 * parameters with its shard of the optimizer, all-gather the parameters. The same bytes cross the wire as in an
 * all-reduce and every element gets the update it would have got, while each rank does 1/N of the optimizer's
 * work. The shard's optimizer state lives in the whole optimizer's buffer, which {@link #completeOptimizerState}
 * completes when someone needs all of it. Layer state in the parameter buffer (batch norm's running statistics) is
 * each rank's own, as in the unsharded step: the all-gather must not replace it with the owner's, so it is set
 * aside and put back.
 */
public class ShardedSync implements GradientSync {
    protected final Collective collective;
    protected final Optimizer shardOptimizer;
    protected final INDArray params, grads, paramShard, gradShard;
    private final LayerState localState;   // null when the model has none

    ShardedSync(Collective collective, Network net, Optimizer whole) {
        Shard shard = collective.shardOf(net.numParams());
        this.collective = collective;
        this.shardOptimizer = whole.shard(shard.from(), shard.to());
        // A network keeps its two flat buffers for life, so the shard views are made once.
        this.params = net.params();
        this.grads = net.grads();
        this.paramShard = params.get(NDArrayIndex.interval(shard.from(), shard.to()));
        this.gradShard = grads.get(NDArrayIndex.interval(shard.from(), shard.to()));
        LayerState state = new LayerState(net.layout());
        this.localState = state.isEmpty() ? null : state;
    }

    @Override
    public long update(StepPosition at) {
        long reduceNanos = reduceAndUpdateShard();
        long start = System.nanoTime();
        if (localState != null) localState.gather(params);
        collective.allGather(params);
        // This writes into the own shard that peers may still be copying (see Collective), but only at the
        // layer-state positions, which each peer then overwrites with its own state in this same line.
        if (localState != null) localState.scatter(params);
        return reduceNanos + System.nanoTime() - start;
    }

    /** Leaves this rank's shard of the parameters updated with the mean gradient; returns the nanoseconds spent reducing. */
    protected long reduceAndUpdateShard() {
        long start = System.nanoTime();
        collective.reduceScatterMean(grads);
        long reduced = System.nanoTime() - start;
        shardOptimizer.step(paramShard, gradShard);   // the mean is in this rank's shard
        return reduced;
    }

    /** Gathers every rank's shard of each optimizer state row, so the whole optimizer's state is complete on every rank. */
    @Override
    public void completeOptimizerState() {
        INDArray state = shardOptimizer.state();   // a shard's state() is its parent's whole buffer
        long rowLength = params.length();
        for (long at = 0; at < state.length(); at += rowLength) {
            collective.allGather(state.get(NDArrayIndex.interval(at, at + rowLength)));
        }
    }
}
