package io.spindle.driver.run;

import io.spindle.core.Sequential;
import io.spindle.core.io.Provenance;
import io.spindle.core.io.SavedModel;
import io.spindle.driver.job.JobConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Instant;

/**
 * A job's trained state as a model file's contents: the job's model, loss and optimizer, the flat
 * parameters and optimizer state, and where they came from. The final model, every checkpoint and a
 * fitted Spark ML model are built here, so the three cannot drift apart.
 */
public final class TrainedModel {
    private TrainedModel() {
    }

    public static SavedModel of(JobConfig job, float[] params, float[] optimizerState, long iteration,
                                String dataFingerprint, int epochsDone) {
        return of(job, Nd4j.createFromArray(params), optimizerState, iteration, dataFingerprint, epochsDone);
    }

    public static SavedModel of(JobConfig job, INDArray params, float[] optimizerState, long iteration,
                                String dataFingerprint, int epochsDone) {
        // sgd keeps no state: an empty buffer, which Nd4j.createFromArray does not make.
        INDArray state = optimizerState.length == 0 ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {0}, 'c')
                : Nd4j.createFromArray(optimizerState);
        return of(job, params, state, iteration, dataFingerprint, epochsDone);
    }

    /** As above, over arrays the caller owns (they are written, not copied). */
    public static SavedModel of(JobConfig job, INDArray params, INDArray state, long iteration,
                                String dataFingerprint, int epochsDone) {
        Provenance provenance = new Provenance(Sequential.VERSION, job.training().seed(), job.distributed().workers(),
                dataFingerprint, Instant.now().toString(), iteration, epochsDone);
        return new SavedModel(job.model(), job.loss().name(), job.optimizer().toJson(), params, state, iteration, provenance);
    }
}
