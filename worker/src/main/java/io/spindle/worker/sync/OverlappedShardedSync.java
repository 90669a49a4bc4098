package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;

/**
 * {@link ShardedSync} with both halves overlapped: each bucket is reduce-scattered on a communication thread as soon
 * as backward has finished it, and the parameters are all-gathered bucket by bucket on the same thread. The buckets
 * backward releases first (the last layers', {@link EagerGathers}) have their chunk of the shard updated right after
 * their reduce-scatter and are gathered during the rest of backward, each after the next bucket's reduce-scatter; the
 * others are updated after the last reduce-scatter and gathered while the next step's forward runs, which waits per
 * node for the buckets it reads (FSDP's prefetch). Every rank queues the same calls in the same order, and each element gets the update and the
 * gather the serial step gives it, so the bits are the same. A model with layer state in its parameters (batch
 * norm's running statistics, which forward writes) gathers after the update instead, as the serial step does: each
 * rank's own state must be put back before forward may touch it.
 */
public final class OverlappedShardedSync extends ShardedSync {
    private final CommunicationThread thread;
    private final BucketedReduction reduction;
    private final ParameterPrefetch prefetch;   // null when the model has layer state
    private final int eagerBuckets;             // the first this many buckets in backward order are gathered during backward

    OverlappedShardedSync(Collective collective, Network net, Optimizer whole, GradientBuckets buckets) {
        super(collective, net, whole, buckets);
        this.thread = new CommunicationThread("spindle-buckets-r" + collective.rank());
        // Updating a bucket's chunk on its own needs a shard stepped range by range (several buckets) and no layer state.
        boolean byRange = localState == null && shardOptimizer instanceof Optimizer.ByRange;
        this.eagerBuckets = byRange ? EagerGathers.count(this.buckets, params.length()) : 0;
        this.reduction = new BucketedReduction(buckets, (from, to) -> collective.reduceScatterMean(grads, from, to), thread,
                this::queueEagerGather);
        this.prefetch = localState != null ? null
                : new ParameterPrefetch(this.buckets.subList(eagerBuckets, this.buckets.size()), thread, this::gatherBucket);
    }

    /**
     * After bucket {@code index}'s reduce-scatter is queued: the bucket before it, if eager, is gathered (its chunk was
     * updated after its own reduce-scatter, and this one keeps the wire busy meanwhile); then this bucket's chunk, if
     * eager, is updated, while the wire would wait for backward to release the next bucket.
     */
    private void queueEagerGather(int index) {
        if (index >= 1 && index - 1 < eagerBuckets) {
            GradientBuckets.Bucket b = buckets.get(index - 1);
            thread.submit(() -> gatherBucket(b.from(), b.to()));
        }
        if (index < eagerBuckets) thread.submit(() -> stepShardRange(index));
    }

    @Override
    public void gradientsReadyFrom(long offset) {
        reduction.readyFrom(offset);
    }

    @Override
    protected long reduceAndUpdateShard() {
        long waited = reduction.finish();
        if (eagerBuckets == 0) {
            stepShard();
        } else {
            for (int i = eagerBuckets; i < buckets.size(); i++) stepShardRange(i);
            finishShardStep();
        }
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
