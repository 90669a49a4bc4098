package io.spindle.worker;

import io.spindle.core.data.VirtualShards;
import io.spindle.core.train.GlobalOrder;
import io.spindle.core.train.RowOrder;

import java.io.Serializable;

/**
 * What every worker runs, identical on all ranks: epochs, the local batch (global batch ÷ workers),
 * steps per epoch (the same on every rank, so collectives line up), the data order (seed, shuffle, the
 * training rows cut into {@code virtualShards} shards that the ranks own k, k+N, …, each shuffled in blocks of
 * {@code shuffleBlock} rows; see {@link #order}), and the {@link SyncPlan}.
 * With {@code stopOnRequest} (early stopping) the ranks wait at each epoch's end for the driver's go/stop; without
 * it they never wait for the driver. Rank 0 reports a mid-epoch checkpoint every {@code checkpointEverySteps} global
 * steps (0: epoch ends only). It crosses the Spark boundary whole, inside the barrier task.
 */
public record TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                           SyncPlan sync, boolean stopOnRequest, int checkpointEverySteps, long rows, int virtualShards,
                           int shuffleBlock)
        implements Serializable {

    public TrainingPlan {
        if (sync == null) throw new IllegalArgumentException("a plan needs a sync");
        if (rows < 0 || virtualShards < 0) throw new IllegalArgumentException("rows and virtual shards must be >= 0");
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("every worker needs at least one step per epoch");
        if (checkpointEverySteps < 0) throw new IllegalArgumentException("checkpointEverySteps must be >= 0");
        if (shuffleBlock < 1) throw new IllegalArgumentException("the shuffle block must be >= 1 rows");
    }

    /** This plan with another sync. */
    public TrainingPlan withSync(SyncPlan other) {
        return new TrainingPlan(epochs, localBatch, stepsPerEpoch, seed, shuffle, other, stopOnRequest, checkpointEverySteps, rows, virtualShards,
                shuffleBlock);
    }

    /**
     * A plan without mid-epoch checkpoints and without buckets, whose ranks each order their own rows (one virtual
     * shard per rank, seeded by the rank): for callers that hand every rank rows of their choosing.
     */
    public TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                        SyncMode sync, int averagingFrequency, boolean stopOnRequest) {
        this(epochs, localBatch, stepsPerEpoch, seed, shuffle, sync, averagingFrequency, stopOnRequest, 0);
    }

    /** As the plan without checkpoints, with mid-epoch checkpoints every {@code checkpointEverySteps}. */
    public TrainingPlan(int epochs, int localBatch, int stepsPerEpoch, long seed, boolean shuffle,
                        SyncMode sync, int averagingFrequency, boolean stopOnRequest, int checkpointEverySteps) {
        this(epochs, localBatch, stepsPerEpoch, seed, shuffle, new SyncPlan(sync, averagingFrequency, 0, false), stopOnRequest,
                checkpointEverySteps, 0, 0, 1);
    }

    /**
     * Rank {@code rank} of {@code ranks}'s order over its {@code localRows}: the run's {@link GlobalOrder}, where the
     * rank holds its virtual shards one after another; with no virtual shards (0), its own rows shuffled on their own.
     */
    public RowOrder order(int rank, int ranks, int localRows) {
        if (virtualShards == 0) {
            return new GlobalOrder(new VirtualShards(localRows, 1), localBatch, seed + 1_000_003L * rank, shuffle, shuffleBlock)
                    .forWorker(0, 1, stepsPerEpoch);
        }
        VirtualShards shards = new VirtualShards(rows, virtualShards);
        long owned = shards.rowsOf(rank, ranks);
        if (owned != localRows) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks + " holds " + localRows + " rows but owns " + owned
                    + " of the " + rows + " training rows cut into " + virtualShards + " virtual shards");
        }
        return new GlobalOrder(shards, localBatch * ranks, seed, shuffle, shuffleBlock).forWorker(rank, ranks, stepsPerEpoch);
    }

    /** Steps per epoch when the smallest shard holds {@code minShardRows}: whole local batches only. */
    public static int stepsFor(int minShardRows, int localBatch) {
        return minShardRows / localBatch;
    }
}
