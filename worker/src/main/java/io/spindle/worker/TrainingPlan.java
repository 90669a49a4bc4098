package io.spindle.worker;

import java.util.List;

/**
 * What every worker runs, identical on all ranks: epochs, the local batch (global batch ÷ workers),
 * steps per epoch (the same on every rank, so collectives line up), the data-order seed, and the
 * sync mode — {@code allreduce} (gradients every step) or {@code average} (local SGD, parameters
 * averaged every {@code averagingFrequency} steps). With {@code stopOnRequest} (early stopping) the ranks
 * wait at each epoch's end for the driver's go/stop; without it they never wait for the driver.
 * Rank 0 reports a mid-epoch checkpoint every {@code checkpointEverySteps} global steps (0: epoch ends only).
 */
public record TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                           String sync, int averagingFrequency, boolean stopOnRequest, int checkpointEverySteps) {
    public static final List<String> SYNC_MODES = List.of("allreduce", "average");

    public TrainingPlan {
        if (!SYNC_MODES.contains(sync)) throw new IllegalArgumentException("sync must be one of " + SYNC_MODES + ", got " + sync);
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("every worker needs at least one step per epoch");
        if (checkpointEverySteps < 0) throw new IllegalArgumentException("checkpointEverySteps must be >= 0");
    }

    /** A plan without mid-epoch checkpoints. */
    public TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                        String sync, int averagingFrequency, boolean stopOnRequest) {
        this(epochs, localBatch, stepsPerEpoch, seed, shuffle, sync, averagingFrequency, stopOnRequest, 0);
    }

    /** Steps per epoch when the smallest shard holds {@code minShardRows}: whole local batches only. */
    public static int stepsFor(int minShardRows, int localBatch) {
        return minShardRows / localBatch;
    }
}
