package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.train.GlobalOrder;
import io.spindle.driver.job.JobConfig;

/**
 * The run's {@link GlobalOrder} on the driver: how many virtual shards it deals from (fewer than
 * {@code training.virtual_shards} only when the rows are too few for one global batch of full rounds), and its steps
 * per epoch. Neither depends on the worker count, so a checkpoint's step means the same on any.
 */
final class GlobalSteps {
    private GlobalSteps() {
    }

    /** The virtual shards the run uses; the job's workers must divide them. */
    static int shards(JobConfig job, int rows) {
        int batch = job.training().batchSize(), workers = job.distributed().workers();
        if (rows < batch) {
            throw new ConfigException("training.batch_size", batch, "at most the " + rows + " training rows: one step takes a global batch");
        }
        int shards = GlobalOrder.effectiveShards(rows, job.training().virtualShards(), batch);
        if (shards % workers != 0) {
            throw new ConfigException("training.workers", workers, "a divisor of " + shards + ": the " + rows + " rows hold one global batch of "
                    + batch + " in full rounds of at most " + shards + " of the " + job.training().virtualShards()
                    + " virtual shards (training.virtual_shards), and every worker must own as many of them");
        }
        return shards;
    }

    /** Steps per epoch: whole global batches from the rounds every shard fills. */
    static int perEpoch(JobConfig job, int rows) {
        GlobalOrder order = new GlobalOrder(new VirtualShards(rows, shards(job, rows)), job.training().batchSize(),
                job.training().seed(), job.training().shuffle());
        return order.balancedSteps();
    }
}
