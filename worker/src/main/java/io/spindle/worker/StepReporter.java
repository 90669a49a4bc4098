package io.spindle.worker;

import io.spindle.core.train.EpochStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where rank 0 sends progress while a stage runs (the driver's coordinator, through a socket).
 * Calls happen on the training thread; implementations must be quick.
 */
public interface StepReporter {
    StepReporter NONE = new StepReporter() {
    };

    /** After a step: this rank's running mean loss of the epoch and the global throughput. */
    default void step(int epoch, int step, int steps, double loss, double samplesPerSecond) {
    }

    /**
     * End of an epoch: global statistics, the seconds rank 0 spent in the collective, and the parameters and
     * optimizer state, which are training's own buffers: read them before returning, never keep them.
     * Returns false when training should stop now (early stopping decided on the driver); when the plan
     * has no early stopping the answer is ignored and implementations need not wait for one.
     */
    default boolean epochEnd(EpochStats stats, double collectiveSeconds, INDArray params, INDArray optimizerState, long iteration) {
        return true;
    }

    /**
     * A mid-epoch checkpoint: training resumes at {@code start} with these parameters and optimizer state
     * ({@code iteration} steps done; the buffers as in {@link #epochEnd}). {@code start.totals()} are the epoch's
     * figures so far over all ranks.
     */
    default void checkpoint(StartPoint start, INDArray params, INDArray optimizerState, long iteration) {
    }
}
