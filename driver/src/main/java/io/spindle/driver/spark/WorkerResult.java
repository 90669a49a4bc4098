package io.spindle.driver.spark;

/**
 * What a rank hands back when the barrier stage ends: rank 0 the final parameters and optimizer state
 * and the per-epoch figures; every rank the share of its time spent in the collective. Plain arrays
 * only, so Kryo moves it without reflection tricks.
 */
public final class WorkerResult implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    float[] params;
    float[] optimizerState;
    long iteration;
    /** Per epoch: train loss, train accuracy, samples/s, seconds, learning rate, seconds in the collective. */
    double[][] epochs;
    /** The epoch {@code epochs[0]} describes: 1, or where a resumed attempt started. */
    int firstEpoch;
    /** This rank's seconds in the collective over its training seconds, this attempt. */
    double collectiveShare;
    /** How the ranks were connected, e.g. "hierarchical (2 executors: 2+2 workers)". */
    String collective;

    WorkerResult() {
    }

    /** Another rank's result: only its collective share. */
    static WorkerResult collectiveShareOnly(double share) {
        WorkerResult r = new WorkerResult();
        r.collectiveShare = share;
        return r;
    }

    WorkerResult(float[] params, float[] optimizerState, long iteration, double[][] epochs, int firstEpoch, double collectiveShare,
                 String collective) {
        this.collectiveShare = collectiveShare;
        this.collective = collective;
        this.firstEpoch = firstEpoch;
        this.params = params;
        this.optimizerState = optimizerState;
        this.iteration = iteration;
        this.epochs = epochs;
    }
}
