package io.spindle.driver.spark;

import io.spindle.core.Sequential;
import io.spindle.core.io.Checkpoint;
import io.spindle.core.io.Provenance;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.Divergence;
import io.spindle.core.train.EpochStats;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.run.CheckpointStore;
import io.spindle.worker.StartPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
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

    void write(StartPoint start, float[] params, float[] optimizerState, long iteration, List<EpochStats> history) {
        INDArray p = Nd4j.createFromArray(params);
        // An update can overflow with finite gradients; never let such parameters replace the last good checkpoint
        // (the workers stop at the next step, naming the layer).
        if (!Divergence.isFinite(p)) return;
        INDArray state = optimizerState.length == 0 ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {0}, 'c')
                : Nd4j.createFromArray(optimizerState);
        long seed = job.training().seed();
        SavedModel m = new SavedModel(job.model(), job.loss().name(), job.optimizer().toJson(), p, state, iteration,
                new Provenance(Sequential.VERSION, seed, job.distributed().workers(), dataFingerprint, Instant.now().toString(),
                        iteration, start.epoch() - 1));
        try {
            store.save(new Checkpoint(m, start.epoch(), start.step(), iteration, seed, start.totals(), history));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a checkpoint to " + store.dir() + ": " + e.getMessage(), e);
        }
    }
}
