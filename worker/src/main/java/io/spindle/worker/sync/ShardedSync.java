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

import java.util.ArrayList;
import java.util.List;

/**
 * The sharded all-reduce step (ZeRO stage 1): reduce-scatter the gradients bucket by bucket, update this rank's chunk
 * of every bucket with its shard of the optimizer, all-gather the parameters bucket by bucket (in a 16-bit wire
 * format, their rounded updates: {@link ParameterDeltas}). The same bytes cross the wire as in an all-reduce and every
 * element gets the update it would have got, while each rank does 1/N of the optimizer's work. The shard's optimizer state lives in the whole optimizer's buffer, which
 * {@link #completeOptimizerState} completes when someone needs all of it. Layer state in the parameter buffer (batch
 * norm's running statistics) is each rank's own, as in the unsharded step: the all-gather must not replace it with
 * the owner's, so it is set aside and put back.
 */
public class ShardedSync implements GradientSync {
    protected final Collective collective;
    protected final Optimizer shardOptimizer;
    protected final INDArray params, grads;
    protected final INDArray paramShard, gradShard;   // this rank's chunk when there is one bucket, else null
    protected final List<GradientBuckets.Bucket> buckets;
    protected final LayerState localState;   // null when the model has none
    private final ParameterDeltas deltas;      // null unless the gather sends rounded updates (a 16-bit wire)

    ShardedSync(Collective collective, Network net, Optimizer whole, GradientBuckets buckets) {
        this.collective = collective;
        this.buckets = buckets.inBackwardOrder();
        List<Optimizer.Range> owned = new ArrayList<>(this.buckets.size());
        for (GradientBuckets.Bucket b : this.buckets) {
            Shard mine = collective.shardOf(b.from(), b.to());
            owned.add(new Optimizer.Range(mine.from(), mine.to()));
        }
        this.shardOptimizer = whole.shard(owned);
        // A network keeps its two flat buffers for life, so the shard views are made once.
        this.params = net.params();
        this.grads = net.grads();
        Optimizer.Range only = owned.size() == 1 ? owned.get(0) : null;
        this.paramShard = only == null ? null : params.get(NDArrayIndex.interval(only.from(), only.to()));
        this.gradShard = only == null ? null : grads.get(NDArrayIndex.interval(only.from(), only.to()));
        LayerState state = new LayerState(net.layout());
        this.localState = state.isEmpty() ? null : state;
        // Layer state is each rank's own, not an update to share: such models gather exact parameters.
        boolean roundedUpdates = collective.roundsOnTheWire() && localState == null && params.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT;
        this.deltas = roundedUpdates ? new ParameterDeltas(params, owned) : null;
    }

    @Override
    public long update(StepPosition at) {
        long reduceNanos = reduceAndUpdateShard();
        return reduceNanos + gatherParameters();
    }

    /** All-gathers the updated parameters; returns the nanoseconds the training thread spent on it. */
    protected long gatherParameters() {
        long start = System.nanoTime();
        if (localState != null) localState.gather(params);
        for (GradientBuckets.Bucket b : buckets) gatherBucket(b.from(), b.to());
        // This writes into the own shard that peers may still be copying (see Collective), but only at the
        // layer-state positions, which each peer then overwrites with its own state in this same line.
        if (localState != null) localState.scatter(params);
        return System.nanoTime() - start;
    }

    /** Leaves this rank's shard of the parameters updated with the mean gradient; returns the nanoseconds spent reducing. */
    protected long reduceAndUpdateShard() {
        long start = System.nanoTime();
        for (GradientBuckets.Bucket b : buckets) collective.reduceScatterMean(grads, b.from(), b.to());
        long reduced = System.nanoTime() - start;
        stepShard();
        return reduced;
    }

    /** Steps the shard's optimizer on the mean gradient in this rank's chunks. */
    protected final void stepShard() {
        if (deltas != null) deltas.keepOld();
        if (paramShard != null) {
            shardOptimizer.step(paramShard, gradShard);
        } else {
            shardOptimizer.step(params, grads);   // a shard of several ranges takes the whole buffers
        }
        if (deltas != null) deltas.takeUpdates();
    }

    /**
     * Steps the shard's range {@code index} (bucket {@code index} in backward order) alone, as {@link #stepShard} steps
     * it with the others: the same bits. Needs a shard of several ranges; {@link #finishShardStep} ends the step.
     */
    protected final void stepShardRange(int index) {
        if (deltas != null) deltas.keepOld(index);
        ((Optimizer.ByRange) shardOptimizer).stepRange(index, params, grads);
        if (deltas != null) deltas.takeUpdates(index);
    }

    /** Ends a step taken range by range with {@link #stepShardRange}. */
    protected final void finishShardStep() {
        ((Optimizer.ByRange) shardOptimizer).finishStep();
    }

    /** Brings every rank's updated parameters in [from, to) (a bucket) to all ranks. */
    protected final void gatherBucket(long from, long to) {
        if (deltas != null) {
            deltas.gather(collective, from, to);
        } else {
            collective.allGather(params, from, to);
        }
    }

    /** Gathers every rank's chunks of each optimizer state row, so the whole optimizer's state is complete on every rank. */
    @Override
    public void completeOptimizerState() {
        awaitParameters();
        INDArray state = shardOptimizer.state();   // a shard's state() is its parent's whole buffer
        long rowLength = params.length();
        for (long at = 0; at < state.length(); at += rowLength) {
            INDArray row = state.get(NDArrayIndex.interval(at, at + rowLength));
            INDArray plain = row.dup();   // one copy for all the buckets' calls, not one per call
            for (GradientBuckets.Bucket b : buckets) collective.allGather(plain, b.from(), b.to());
            row.assign(plain);
        }
    }
}
