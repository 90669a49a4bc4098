package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.io.Checkpoint;
import io.spindle.core.model.Network;
import io.spindle.driver.job.JobConfig;
import io.spindle.worker.TrainingPlan;

/**
 * A checkpoint resumes only the job that wrote it: same architecture, seed and steps per epoch, or the data order
 * (and so the result) would silently differ. Each mismatch names the field. The worker count may change: the data
 * order is global ({@code GlobalOrder}), so any count that divides the virtual shards continues the same run.
 */
final class ResumeCheck {
    private ResumeCheck() {
    }

    static void compatible(Checkpoint c, JobConfig job, TrainingPlan plan) {
        long params = Network.parameterCount(job.model());
        if (c.model().params().length() != params) {
            throw new ConfigException("model", params + " parameters", "the checkpoint's architecture (" + c.model().params().length()
                    + " parameters): resume with the job that wrote it");
        }
        if (c.dataSeed() != job.training().seed()) {
            throw new ConfigException("training.seed", job.training().seed(), c.dataSeed() + ", the checkpoint's data-order seed");
        }
        long position = (long) (c.epoch() - 1) * plan.stepsPerEpoch() + c.step();
        if (position != c.globalStep() || c.step() > plan.stepsPerEpoch()) {
            throw new ConfigException("training.batch_size", job.training().batchSize(), "the batch size and data the checkpoint was written with: it stands at epoch "
                    + c.epoch() + ", step " + c.step() + " = global step " + c.globalStep() + ", which does not fit " + plan.stepsPerEpoch() + " steps per epoch");
        }
    }
}
