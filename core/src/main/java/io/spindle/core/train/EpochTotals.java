package io.spindle.core.train;

/**
 * An epoch's running sums: loss × rows, correct predictions and rows seen. A resumed epoch starts from the
 * figures its checkpoint carried, so the epoch's mean counts the steps before the checkpoint too.
 */
public final class EpochTotals {
    private double lossSum;
    private long correct, seen;

    /** Zeros, or the figures a checkpoint carried: {loss sum, correct, seen}. */
    public EpochTotals(double[] carried) {
        lossSum = carried[0];
        correct = (long) carried[1];
        seen = (long) carried[2];
    }

    public void add(StepResult r) {
        lossSum += r.loss() * r.size();
        correct += r.correct();
        seen += r.size();
    }

    public double meanLoss() {
        return lossSum / seen;
    }

    /** {loss sum, correct, seen}: what a checkpoint carries and what ranks sum. */
    public double[] toArray() {
        return new double[] {lossSum, correct, seen};
    }

    public long seen() {
        return seen;
    }

    public long correct() {
        return correct;
    }
}
