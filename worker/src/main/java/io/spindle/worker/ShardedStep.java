package io.spindle.worker;

import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.Shard;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One rank's part of a sharded all-reduce step: reduce-scatter the gradients, update this rank's shard of
 * the parameters with its shard of the optimizer, all-gather the parameters. The shard's optimizer state
 * lives in the whole optimizer's buffer, which {@link #gatherState} completes when someone needs all of it.
 * Layer state in the parameter buffer (batch norm's running statistics) is each rank's own, as in the
 * unsharded step: the all-gather must not replace it with the owner's, so it is set aside and put back.
 */
final class ShardedStep {
    private final Collective collective;
    private final Shard shard;
    private final Optimizer shardOptimizer;
    private final long numParams;
    private final LayerState localState;   // null when the model has none
    private INDArray paramsSource, gradsSource, paramShard, gradShard;

    private ShardedStep(Collective collective, Shard shard, Optimizer shardOptimizer, Network net) {
        this.collective = collective;
        this.shard = shard;
        this.shardOptimizer = shardOptimizer;
        this.numParams = net.numParams();
        LayerState state = new LayerState(net.layout());
        this.localState = state.isEmpty() ? null : state;
    }

    /**
     * The sharded step for this plan, or null when every rank must update everything: parameter averaging,
     * an optimizer that needs every gradient (clipping by global norm), or fewer parameters than ranks.
     * The answer is the same on every rank, which the collective calls that follow rely on.
     */
    static ShardedStep plan(TrainingPlan plan, Network net, Optimizer optimizer, Collective collective) {
        if (!plan.sync().equals("allreduce") || !optimizer.shardable() || net.numParams() < collective.size()) {
            return null;
        }
        Shard shard = collective.shardOf(net.numParams());
        return new ShardedStep(collective, shard, optimizer.shard(shard.from(), shard.to()), net);
    }

    /** Runs the step on the flat buffers; returns the nanoseconds spent in the two collective calls. */
    long step(INDArray params, INDArray grads) {
        long start = System.nanoTime();
        collective.reduceScatterMean(grads);
        long reduced = System.nanoTime();
        shardOptimizer.step(paramView(params), gradView(grads));
        long updated = System.nanoTime();
        if (localState != null) localState.gather(params);
        collective.allGather(params);
        if (localState != null) localState.scatter(params);
        return (reduced - start) + (System.nanoTime() - updated);
    }

    /** Gathers every rank's shard of each optimizer state row, so {@code whole.state()} is complete on every rank. */
    void gatherState(Optimizer whole) {
        INDArray state = whole.state();
        for (long at = 0; at < state.length(); at += numParams) {
            collective.allGather(state.get(NDArrayIndex.interval(at, at + numParams)));
        }
    }

    private INDArray paramView(INDArray params) {
        if (params != paramsSource) {
            paramShard = params.get(NDArrayIndex.interval(shard.from(), shard.to()));
            paramsSource = params;
        }
        return paramShard;
    }

    private INDArray gradView(INDArray grads) {
        if (grads != gradsSource) {
            gradShard = grads.get(NDArrayIndex.interval(shard.from(), shard.to()));
            gradsSource = grads;
        }
        return gradShard;
    }
}
