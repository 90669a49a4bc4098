package io.spindle.worker.sync;

import java.util.List;

/**
 * How many of the overlapped sharded step's buckets are gathered during backward rather than behind the next
 * forward. The gathers carry as many bytes as the reduce-scatters, and forward usually lasts half as long as backward,
 * which carries every reduce-scatter: the wire is busy alike in both when backward also gathers one third of the
 * buffer. Those are the buckets backward releases first (the last layers'), which forward reads last. The count
 * depends on the cuts alone, so every rank gets the same.
 */
public final class EagerGathers {
    /** The share of the buffer, from its end, whose gathers run during backward. */
    static final double SHARE = 1.0 / 3;

    private EagerGathers() {
    }

    /**
     * The number of leading buckets of {@code backwardOrder} that lie in the last {@link #SHARE} of a buffer of
     * {@code length} values; never the last bucket, whose gather cannot start before backward has ended.
     */
    public static int count(List<GradientBuckets.Bucket> backwardOrder, long length) {
        long from = length - (long) Math.floor(length * SHARE);
        int n = 0;
        while (n < backwardOrder.size() - 1 && backwardOrder.get(n).from() >= from) n++;
        return n;
    }
}
