package io.spindle.driver.spark;

import io.spindle.core.io.Checkpoint;
import io.spindle.core.train.EarlyStoppingMonitor;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.job.JobConfig;
import io.spindle.worker.StartPoint;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The driver's side of one training run's barrier stages: turns rank 0's messages (with each epoch's validation, done
 * by the workers) into listener events, applies early stopping, writes checkpoints and knows how far each attempt got.
 */
final class StageProgress implements MetricsServer.Listener {
    private final JobConfig job;
    private final TrainingListener listener;
    private final EarlyStoppingMonitor monitor;
    private final CheckpointWriter checkpoints;
    private final LossGrowthWatch lossGrowth;
    private List<EpochStats> epochs = new ArrayList<>();
    private int currentEpoch;
    private volatile long furthestStep, lastCheckpoint;

    StageProgress(JobConfig job, TrainingListener listener, CheckpointWriter checkpoints, Consumer<String> log) {
        this.job = job;
        this.listener = listener;
        this.monitor = new EarlyStoppingMonitor(job.training().earlyStopping());
        this.checkpoints = checkpoints;
        this.lossGrowth = new LossGrowthWatch(job.optimizer().schedule(), log);
    }

    /** A new attempt starts at {@code from} (null: the beginning); the epochs after it will be reported again. */
    void startAttempt(Checkpoint from) {
        if (from != null) epochs = new ArrayList<>(from.history());
        else epochs.clear();
        currentEpoch = 0;
        furthestStep = from == null ? 0 : from.globalStep();
        lastCheckpoint = -1;
        if (!epochs.isEmpty()) lossGrowth.firstEpoch(epochs.get(0).trainLoss());
    }

    /** A finished attempt whose last state (global step {@code iteration}) was not saved has lost work: it fails. */
    void requireCheckpointAt(long iteration) {
        if (lastCheckpoint != iteration) {
            throw new AttemptFailure.IncompleteProgress("training ended at global step " + iteration + " but the driver's last checkpoint "
                    + (lastCheckpoint < 0 ? "of this attempt was never written" : "is at global step " + lastCheckpoint)
                    + ": a scheduled checkpoint was missed");
        }
    }

    /** The furthest global step rank 0 reported finished in this attempt. */
    long furthestStep() {
        return furthestStep;
    }

    @Override
    public void checkpoint(StartPoint start, INDArray params, INDArray optimizerState, long iteration) {
        furthestStep = Math.max(furthestStep, iteration);
        if (checkpoints != null && checkpoints.write(start, params, optimizerState, iteration, epochs)) lastCheckpoint = iteration;
    }

    @Override
    public void step(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        furthestStep = Math.max(furthestStep, (long) (epoch - 1) * steps + step);
        if (epoch != currentEpoch) {
            currentEpoch = epoch;
            listener.onEpochStart(epoch, job.training().epochs(), steps);
        }
        listener.onStep(epoch, step, steps, loss, samplesPerSecond);
        lossGrowth.loss((long) (epoch - 1) * steps + step, loss);
    }

    /** {@code f}: train loss and accuracy, samples/s, seconds, learning rate, collective seconds, validation loss and accuracy. */
    @Override
    public boolean epochEnd(int epoch, double[] f, INDArray params, INDArray optimizerState, long iteration) {
        EpochStats stats = new EpochStats(epoch, f[0], f[1], f[6], f[7], f[2], f[3], f[4]);
        epochs.add(stats);
        listener.onEpochEnd(stats);
        if (epoch == 1) lossGrowth.firstEpoch(stats.trainLoss());
        lossGrowth.loss(iteration, stats.trainLoss());
        furthestStep = Math.max(furthestStep, iteration);
        if (checkpoints != null && checkpoints.write(new StartPoint(epoch + 1, 0, new double[3]), params, optimizerState, iteration, epochs)) {
            lastCheckpoint = iteration;
        }
        // params was read fresh from the channel for this epoch, so the monitor may keep it as the best.
        return monitor.update(stats, () -> params);
    }

    /** The best epoch's parameters when early stopping keeps them, else null. */
    INDArray paramsToRestore() {
        return monitor.paramsToRestore();
    }

    History history(WorkerResult rank0) {
        if (epochs.size() < rank0.firstEpoch - 1 + rank0.epochs.length) {
            // Progress messages are best effort; the stage's own result is authoritative for the epochs it ran.
            epochs = new ArrayList<>(epochs.subList(0, Math.min(epochs.size(), rank0.firstEpoch - 1)));
            for (int e = 0; e < rank0.epochs.length; e++) {
                double[] f = rank0.epochs[e];
                epochs.add(new EpochStats(rank0.firstEpoch + e, f[0], f[1], f[6], f[7], f[2], f[3], f[4]));
            }
        }
        return History.of(epochs, monitor.stopped() ? monitor.bestEpoch() : -1);
    }
}
