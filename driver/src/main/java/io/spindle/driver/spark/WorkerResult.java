package io.spindle.driver.spark;

/**
 * What rank 0 hands back when the barrier stage ends: the final parameters and optimizer state
 * and the per-epoch figures. Plain arrays only, so Kryo moves it without reflection tricks.
 */
public final class WorkerResult {
    float[] params;
    float[] optimizerState;
    long iteration;
    /** Per epoch: train loss, train accuracy, samples/s, seconds, learning rate, seconds in the collective. */
    double[][] epochs;
    /** The epoch {@code epochs[0]} describes: 1, or where a resumed attempt started. */
    int firstEpoch;

    WorkerResult() {
    }

    WorkerResult(float[] params, float[] optimizerState, long iteration, double[][] epochs, int firstEpoch) {
        this.firstEpoch = firstEpoch;
        this.params = params;
        this.optimizerState = optimizerState;
        this.iteration = iteration;
        this.epochs = epochs;
    }
}
