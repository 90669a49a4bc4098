package io.spindle.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.Supplier;

/**
 * Watches epoch figures for {@link EarlyStopping}: remembers the best epoch (and, with
 * {@code restoreBest}, a copy of its parameters) and says when patience has run out.
 * Shared by the single-process trainer and the distributed coordinator.
 */
public final class EarlyStoppingMonitor {
    private final EarlyStopping rule;
    private double best = Double.NaN;
    private int bestEpoch = -1;
    private int sinceBest;
    private INDArray bestParams;
    private boolean stopped;

    /** {@code rule} may be null: then it never stops. */
    public EarlyStoppingMonitor(EarlyStopping rule) {
        this.rule = rule;
    }

    /** Records one epoch; returns true to go on training. {@code params} is asked for only on a new best. */
    public boolean update(EpochStats stats, Supplier<INDArray> params) {
        if (rule == null) return true;
        double value = rule.valueOf(stats);
        boolean improved = Double.isNaN(best) || (rule.maximize() ? value > best + rule.minDelta() : value < best - rule.minDelta());
        if (improved) {
            best = value;
            bestEpoch = stats.epoch();
            sinceBest = 0;
            if (rule.restoreBest()) bestParams = params.get().dup();
            return true;
        }
        stopped = ++sinceBest >= rule.patience();
        return !stopped;
    }

    public boolean stopped() {
        return stopped;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best epoch's parameters when training stopped early and the rule restores them, else null. */
    public INDArray paramsToRestore() {
        return stopped ? bestParams : null;
    }
}
