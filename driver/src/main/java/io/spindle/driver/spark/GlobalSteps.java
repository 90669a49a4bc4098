package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.train.GlobalOrder;
import io.spindle.driver.job.JobConfig;

/**
 * Steps per epoch of the run's {@link GlobalOrder}: whole global batches drawn from the rounds every virtual shard
 * fills. They do not depend on the worker count, so a checkpoint's step means the same on any.
 */
final class GlobalSteps {
    private GlobalSteps() {
    }

    static int perEpoch(JobConfig job, int rows) {
        int shards = job.training().virtualShards(), batch = job.training().batchSize();
        if (rows < shards) {
            throw new ConfigException("training.virtual_shards", shards, "at most the " + rows + " training rows: every virtual shard needs a row");
        }
        GlobalOrder order = new GlobalOrder(new VirtualShards(rows, shards), batch, job.training().seed(), job.training().shuffle());
        int steps = order.balancedSteps();
        if (steps < 1) {
            long usable = (long) (rows / shards) * shards;
            throw new ConfigException("training.batch_size", batch, "at most " + usable + ": the " + rows + " rows deal "
                    + rows / shards + " full rounds from the " + shards + " virtual shards (training.virtual_shards), "
                    + usable + " rows per epoch");
        }
        return steps;
    }
}
