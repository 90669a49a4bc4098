package io.spindle.worker;

import java.io.Serializable;

/**
 * How the replicas stay in step: the {@link SyncMode}, every how many steps parameters are averaged (in
 * {@code average} mode), the size of the gradient buckets ({@code 0}: one bucket of the whole buffer), and whether
 * they are reduced while backward runs ({@code overlap}) or after it. Buckets apply where the ranks are separate
 * processes (the ring, the coordinator); threads of one JVM share the cores, so there is nothing to hide behind.
 */
public record SyncPlan(SyncMode mode, int averagingFrequency, long bucketBytes, boolean overlap) implements Serializable {

    public SyncPlan {
        if (mode == null) throw new IllegalArgumentException("sync must be one of " + SyncMode.names());
        if (averagingFrequency < 1) throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
        if (bucketBytes < 0) throw new IllegalArgumentException("bucketBytes must be >= 0, got " + bucketBytes);
    }

    /** This plan reducing after backward: the same buckets, so the same bits. */
    public SyncPlan serial() {
        return new SyncPlan(mode, averagingFrequency, bucketBytes, false);
    }

    /** Gradients all-reduced every step, after backward. */
    public static SyncPlan allReduce() {
        return new SyncPlan(SyncMode.ALLREDUCE, 1, 0, false);
    }
}
