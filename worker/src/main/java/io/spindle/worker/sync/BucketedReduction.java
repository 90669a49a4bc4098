package io.spindle.worker.sync;

import java.util.List;

/**
 * Reduces the gradient buckets on a {@link CommunicationThread} as backward finishes them: a bucket is handed over
 * once the gradients from its first element on are final, and {@link #finish} waits for the last one. The buckets
 * go in the same order on every rank, and the serial step reduces the same buckets, so the result has its bits.
 */
final class BucketedReduction implements AutoCloseable {

    /** The collective call that reduces one bucket, [from, to) of the gradient buffer. */
    @FunctionalInterface
    interface BucketCall {
        void reduce(long from, long to);
    }

    /** Hears that bucket {@code index} (in backward order) has been queued, so a caller may queue more after it. */
    @FunctionalInterface
    interface HandedOver {
        void bucket(int index);
    }

    private final List<GradientBuckets.Bucket> buckets;
    private final BucketCall call;
    private final CommunicationThread thread;
    private final HandedOver handedOver;
    private int next;

    BucketedReduction(GradientBuckets buckets, BucketCall call, String threadName) {
        this(buckets, call, new CommunicationThread(threadName), index -> { });
    }

    /** Reduces on {@code thread}, which {@link #close} stops; tells {@code handedOver} after queueing each bucket. */
    BucketedReduction(GradientBuckets buckets, BucketCall call, CommunicationThread thread, HandedOver handedOver) {
        this.buckets = buckets.inBackwardOrder();
        this.call = call;
        this.thread = thread;
        this.handedOver = handedOver;
    }

    /** Hands over every bucket that lies within [offset, end): backward will not write there again this step. */
    void readyFrom(long offset) {
        while (next < buckets.size() && buckets.get(next).from() >= offset) {
            int index = next++;
            GradientBuckets.Bucket b = buckets.get(index);
            thread.submit(() -> call.reduce(b.from(), b.to()));
            handedOver.bucket(index);
        }
    }

    /** Hands over what is left and waits for every bucket; returns the nanoseconds spent waiting (the exposed communication). */
    long finish() {
        readyFrom(0);
        long start = System.nanoTime();
        try {
            thread.awaitAll();
        } finally {
            next = 0;
        }
        return System.nanoTime() - start;
    }

    @Override
    public void close() {
        thread.close();
    }
}
