package io.spindle.worker;

import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.Shard;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One rank's part of a sharded all-reduce step: reduce-scatter the gradients (or, for an optimizer that
 * averages in its own pass, hand it every rank's gradient shard), update this rank's shard of the parameters
 * with its shard of the optimizer, all-gather the parameters. The shard's optimizer state
 * lives in the whole optimizer's buffer, which {@link #gatherState} completes when someone needs all of it.
 * Layer state in the parameter buffer (batch norm's running statistics) is each rank's own, as in the
 * unsharded step: the all-gather must not replace it with the owner's, so it is set aside and put back.
 */
final class ShardedStep {
    private final Collective collective;
    private final Optimizer shardOptimizer;
    private final INDArray params, grads, paramShard, gradShard;
    private final LayerState localState;   // null when the model has none
    private final boolean fusedMean;

    private ShardedStep(Collective collective, Network net, Optimizer whole, Shard shard) {
        this.collective = collective;
        this.shardOptimizer = whole.shard(shard.from(), shard.to());
        // A network keeps its two flat buffers for life, so the shard views are made once.
        this.params = net.params();
        this.grads = net.grads();
        this.paramShard = params.get(NDArrayIndex.interval(shard.from(), shard.to()));
        this.gradShard = grads.get(NDArrayIndex.interval(shard.from(), shard.to()));
        LayerState state = new LayerState(net.layout());
        this.localState = state.isEmpty() ? null : state;
        // Ranks may differ here (a shard's length decides too) and stay correct: either way each gets the mean's bits.
        this.fusedMean = shardOptimizer.fusesMean();
    }

    /**
     * The sharded step for this plan, or null when every rank must update everything: parameter averaging,
     * an optimizer that needs every gradient (clipping by global norm), fewer parameters than ranks, or a
     * collective whose shard is the whole buffer (one rank, the coordinator), where the plain step is the same.
     * The answer is the same on every rank, which the collective calls that follow rely on.
     */
    static ShardedStep plan(TrainingPlan plan, Network net, Optimizer optimizer, Collective collective) {
        return applies(plan, net, optimizer, collective) ? new ShardedStep(collective, net, optimizer, collective.shardOf(net.numParams())) : null;
    }

    /** Whether {@link #plan} makes a sharded step. */
    static boolean applies(TrainingPlan plan, Network net, Optimizer optimizer, Collective collective) {
        if (!plan.sync().equals("allreduce") || !optimizer.shardable() || net.numParams() < collective.size()) {
            return false;
        }
        return collective.shardOf(net.numParams()).length() != net.numParams();
    }

    /**
     * Runs the step on the network's flat buffers; returns the nanoseconds spent in the two collective calls.
     * Where the ranks share memory and the optimizer {@code fusesMean} (Adam), the reduce-scatter is only a
     * rendezvous and the update reads every rank's gradient shard itself: the mean is never written to memory
     * and read back. On fashion-mlp's 117k-parameter shards the mean and Adam take 31–54 + 85 µs, Adam on
     * the mean 90–104 µs ({@code bench/run shard}). Those count as the update's time, not the collective's.
     */
    long step() {
        long start = System.nanoTime();
        java.nio.ByteBuffer[] operands = null;
        if (fusedMean) {
            operands = collective.reduceScatterOperands(grads);
        } else {
            collective.reduceScatterMean(grads);
        }
        long reduced = System.nanoTime();
        if (operands != null) shardOptimizer.stepOnMean(paramShard, operands);
        else shardOptimizer.step(paramShard, gradShard);   // the mean is in this rank's shard
        long updated = System.nanoTime();
        if (localState != null) localState.gather(params);
        collective.allGather(params);
        // This writes into the own shard that peers may still be copying (see Collective), but only at the
        // layer-state positions, which each peer then overwrites with its own state in this same line.
        if (localState != null) localState.scatter(params);
        return (reduced - start) + (System.nanoTime() - updated);
    }

    /** Gathers every rank's shard of each optimizer state row, so the whole optimizer's state is complete on every rank. */
    void gatherState() {
        INDArray state = shardOptimizer.state();   // a shard's state() is its parent's whole buffer
        long rowLength = params.length();
        for (long at = 0; at < state.length(); at += rowLength) {
            collective.allGather(state.get(NDArrayIndex.interval(at, at + rowLength)));
        }
    }
}
