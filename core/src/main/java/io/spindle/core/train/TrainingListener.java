package io.spindle.core.train;

/** Receives progress while a fit runs (the CLI's progress bar, the coordinator's metrics). */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    default void onEpochStart(int epoch, int epochs, int steps) {
    }

    /** After each step: the epoch's running mean loss and running throughput. */
    default void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {
    }

    default void onEpochEnd(EpochStats stats) {
    }
}
