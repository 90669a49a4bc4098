package io.spindle.worker;

import java.io.Serializable;

/**
 * What every worker runs, identical on all ranks: epochs, the local batch (global batch ÷ workers),
 * steps per epoch (the same on every rank, so collectives line up), the data-order seed, and the
 * {@link SyncMode}, with {@code averagingFrequency} for parameter averaging. With {@code stopOnRequest} (early
 * stopping) the ranks wait at each epoch's end for the driver's go/stop; without it they never wait for the driver.
 * Rank 0 reports a mid-epoch checkpoint every {@code checkpointEverySteps} global steps (0: epoch ends only).
 * It crosses the Spark boundary whole, inside the barrier task.
 */
public record TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                           SyncMode sync, int averagingFrequency, boolean stopOnRequest, int checkpointEverySteps)
        implements Serializable {

    public TrainingPlan {
        if (sync == null) throw new IllegalArgumentException("sync must be one of " + SyncMode.names());
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("every worker needs at least one step per epoch");
        if (averagingFrequency < 1) throw new IllegalArgumentException("averagingFrequency must be >= 1");
        if (checkpointEverySteps < 0) throw new IllegalArgumentException("checkpointEverySteps must be >= 0");
    }

    /** A plan without mid-epoch checkpoints. */
    public TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                        SyncMode sync, int averagingFrequency, boolean stopOnRequest) {
        this(epochs, localBatch, stepsPerEpoch, seed, shuffle, sync, averagingFrequency, stopOnRequest, 0);
    }

    /** Steps per epoch when the smallest shard holds {@code minShardRows}: whole local batches only. */
    public static int stepsFor(int minShardRows, int localBatch) {
        return minShardRows / localBatch;
    }
}
