package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;

/**
 * {@link ShardedSync} with the reduce-scatter overlapped with backward: each bucket is reduce-scattered on a
 * communication thread as soon as backward has finished it, so when backward ends this rank's shard of the mean is
 * (nearly) complete; the shard's update and the all-gather follow as in the serial step, which reduces the same buckets, with the same bits.
 */
public final class OverlappedShardedSync extends ShardedSync {
    private final BucketedReduction reduction;

    OverlappedShardedSync(Collective collective, Network net, Optimizer whole, GradientBuckets buckets) {
        super(collective, net, whole, buckets);
        this.reduction = new BucketedReduction(buckets, (from, to) -> collective.reduceScatterMean(grads, from, to),
                "spindle-buckets-r" + collective.rank());
    }

    @Override
    public void gradientsReadyFrom(long offset) {
        reduction.readyFrom(offset);
    }

    @Override
    protected long reduceAndUpdateShard() {
        long waited = reduction.finish();
        stepShard();
        return waited;
    }

    @Override
    public void close() {
        reduction.close();
    }
}
