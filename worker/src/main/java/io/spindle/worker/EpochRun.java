package io.spindle.worker;

import io.spindle.core.train.EpochTotals;
import io.spindle.core.train.StepResult;

/** One rank's running figures of the epoch in progress: the totals (with what a checkpoint carried), its own rows, its time. */
public final class EpochRun {
    private final EpochTotals totals;
    private final long startNanos = System.nanoTime();
    private long seenHere, syncNanos;

    EpochRun(double[] carried) {
        this.totals = new EpochTotals(carried);
    }

    void add(StepResult step) {
        totals.add(step);
        seenHere += step.size();
        syncNanos += step.syncNanos();
    }

    /** This rank's figures, with the carried ones; {@link GlobalTotals} sums them over ranks. */
    public EpochTotals totals() {
        return totals;
    }

    /** Rows this rank trained on in this epoch (in this attempt). */
    public long seenHere() {
        return seenHere;
    }

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Seconds this rank spent inside the collective: sending, reducing and waiting for peers. */
    public double syncSeconds() {
        return syncNanos / 1e9;
    }
}
