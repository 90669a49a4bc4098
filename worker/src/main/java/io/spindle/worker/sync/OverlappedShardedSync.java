package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;

/**
 * {@link ShardedSync} with both halves overlapped: each bucket is reduce-scattered on a communication thread as soon
 * as backward has finished it, and after the shard's update the parameters are all-gathered bucket by bucket on the
 * same thread while the next step's forward runs, which waits per node for the buckets it reads (FSDP's prefetch).
 * The serial step reduces and gathers the same buckets, so the bits are the same. A model with layer state in its
 * parameters (batch norm's running statistics, which forward writes) gathers after the update instead, as the
 * serial step does: each rank's own state must be put back before forward may touch it.
 */
public final class OverlappedShardedSync extends ShardedSync {
    private final CommunicationThread thread;
    private final BucketedReduction reduction;
    private final ParameterPrefetch prefetch;   // null when the model has layer state

    OverlappedShardedSync(Collective collective, Network net, Optimizer whole, GradientBuckets buckets) {
        super(collective, net, whole, buckets);
        this.thread = new CommunicationThread("spindle-buckets-r" + collective.rank());
        this.reduction = new BucketedReduction(buckets, (from, to) -> collective.reduceScatterMean(grads, from, to), thread);
        this.prefetch = localState != null ? null
                : new ParameterPrefetch(buckets, thread, this::gatherBucket);
    }

    @Override
    public void gradientsReadyFrom(long offset) {
        reduction.readyFrom(offset);
    }

    @Override
    protected long reduceAndUpdateShard() {
        long waited = reduction.finish();
        stepShard();
        return waited + (prefetch == null ? 0 : prefetch.takeWaitedNanos());
    }

    @Override
    protected long gatherParameters() {
        if (prefetch == null) return super.gatherParameters();
        prefetch.start();
        return 0;   // what forward waits for is counted with the next update
    }

    @Override
    public void parametersNeededThrough(long end) {
        if (prefetch != null) prefetch.awaitThrough(end);
    }

    @Override
    public void awaitParameters() {
        if (prefetch != null) prefetch.awaitAll();
    }

    @Override
    public void close() {
        reduction.close();
    }
}
