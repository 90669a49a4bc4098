package io.spindle.worker;

import java.io.Serializable;

/**
 * What every worker runs, identical on all ranks: epochs, the local batch (global batch ÷ workers),
 * steps per epoch (the same on every rank, so collectives line up), the data-order seed, and the {@link SyncPlan}.
 * With {@code stopOnRequest} (early stopping) the ranks wait at each epoch's end for the driver's go/stop; without
 * it they never wait for the driver. Rank 0 reports a mid-epoch checkpoint every {@code checkpointEverySteps} global
 * steps (0: epoch ends only). It crosses the Spark boundary whole, inside the barrier task.
 */
public record TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                           SyncPlan sync, boolean stopOnRequest, int checkpointEverySteps) implements Serializable {

    public TrainingPlan {
        if (sync == null) throw new IllegalArgumentException("a plan needs a sync");
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("every worker needs at least one step per epoch");
        if (checkpointEverySteps < 0) throw new IllegalArgumentException("checkpointEverySteps must be >= 0");
    }

    /** A plan without mid-epoch checkpoints and without buckets. */
    public TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                        SyncMode sync, int averagingFrequency, boolean stopOnRequest) {
        this(epochs, localBatch, stepsPerEpoch, seed, shuffle, new SyncPlan(sync, averagingFrequency, 0, false), stopOnRequest, 0);
    }

    /** As the plan without checkpoints, with mid-epoch checkpoints every {@code checkpointEverySteps}. */
    public TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                        SyncMode sync, int averagingFrequency, boolean stopOnRequest, int checkpointEverySteps) {
        this(epochs, localBatch, stepsPerEpoch, seed, shuffle, new SyncPlan(sync, averagingFrequency, 0, false), stopOnRequest, checkpointEverySteps);
    }

    /** Steps per epoch when the smallest shard holds {@code minShardRows}: whole local batches only. */
    public static int stepsFor(int minShardRows, int localBatch) {
        return minShardRows / localBatch;
    }
}
