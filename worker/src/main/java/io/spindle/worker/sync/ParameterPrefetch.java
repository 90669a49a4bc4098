package io.spindle.worker.sync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;

/**
 * All-gathers the updated parameters bucket by bucket on the communication thread, first layers first, while the
 * next step's forward runs; forward waits, node by node, only for the buckets it is about to read (FSDP's prefetch).
 * The gathers are queued in the same order on every rank, so the collective's call order holds.
 */
final class ParameterPrefetch {
    private final List<GradientBuckets.Bucket> forwardOrder;
    private final CommunicationThread thread;
    private final BucketedReduction.BucketCall gather;
    private final Future<?>[] gathered;
    private int nextToWait;
    private long waitedNanos;

    /** Gathers {@code buckets} (those the update leaves to the next forward) on {@code thread}. */
    ParameterPrefetch(List<GradientBuckets.Bucket> buckets, CommunicationThread thread, BucketedReduction.BucketCall gather) {
        List<GradientBuckets.Bucket> order = new ArrayList<>(buckets);
        order.sort(Comparator.comparingLong(GradientBuckets.Bucket::from));
        this.forwardOrder = List.copyOf(order);
        this.thread = thread;
        this.gather = gather;
        this.gathered = new Future<?>[order.size()];
        this.nextToWait = order.size();   // nothing is in flight before the first update
    }

    /** Queues every bucket's gather; the parameters are in place once {@link #awaitThrough} has covered them. */
    void start() {
        awaitAll();   // a gather still in flight would be overtaken in the bookkeeping
        for (int i = 0; i < gathered.length; i++) {
            GradientBuckets.Bucket b = forwardOrder.get(i);
            gathered[i] = thread.submit(() -> gather.reduce(b.from(), b.to()));
        }
        nextToWait = 0;
    }

    /** Waits until every bucket of this prefetch holding parameters in [0, end) has been gathered. */
    void awaitThrough(long end) {
        while (nextToWait < gathered.length && forwardOrder.get(nextToWait).from() < end) {
            long start = System.nanoTime();
            thread.awaitThrough(gathered[nextToWait]);
            waitedNanos += System.nanoTime() - start;
            gathered[nextToWait++] = null;
        }
    }

    void awaitAll() {
        awaitThrough(Long.MAX_VALUE);
    }

    /** The nanoseconds forward has waited for gathers since the last call. */
    long takeWaitedNanos() {
        long w = waitedNanos;
        waitedNanos = 0;
        return w;
    }
}
