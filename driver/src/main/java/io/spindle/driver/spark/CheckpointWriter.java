package io.spindle.driver.spark;

import io.spindle.core.io.Checkpoint;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.Divergence;
import io.spindle.core.train.EpochStats;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.run.CheckpointStore;
import io.spindle.driver.run.TrainedModel;
import io.spindle.worker.StartPoint;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Turns rank 0's checkpoint reports into checkpoint files of the job (on the coordinator's thread). */
final class CheckpointWriter {
    private final CheckpointStore store;
    private final JobConfig job;
    private final String dataFingerprint;

    CheckpointWriter(CheckpointStore store, JobConfig job, String dataFingerprint) {
        this.store = store;
        this.job = job;
        this.dataFingerprint = dataFingerprint;
    }

    /** Returns false when the parameters are not finite and so were not saved. */
    boolean write(StartPoint start, INDArray p, INDArray optimizerState, long iteration, List<EpochStats> history) {
        // An update can overflow with finite gradients; never let such parameters replace the last good checkpoint
        // (the workers stop at the next step, naming the layer).
        if (!Divergence.isFinite(p)) return false;
        SavedModel m = TrainedModel.of(job, p, optimizerState, iteration, dataFingerprint, start.epoch() - 1);
        try {
            store.save(new Checkpoint(m, start.epoch(), start.step(), iteration, job.training().seed(), start.totals(), history));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a checkpoint to " + store.dir() + ": " + e.getMessage(), e);
        }
    }
}
