package io.spindle.driver.spark;

import io.spindle.core.optim.LearningRateSchedule;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Warns once when rank 0's training loss grows past {@link #FACTOR} times its first epoch's value: a run
 * heading for divergence long before a NaN stops it (the divergence check's job), named by step and rate.
 */
final class LossGrowthWatch {
    static final double FACTOR = 1e4;
    private final LearningRateSchedule rates;
    private final Consumer<String> warn;
    private double firstEpochLoss = Double.NaN;
    private boolean warned;

    LossGrowthWatch(LearningRateSchedule rates, Consumer<String> warn) {
        this.rates = rates;
        this.warn = warn;
    }

    /** The first epoch's training loss, from rank 0's report or from a resumed checkpoint's history. */
    void firstEpoch(double trainLoss) {
        if (Double.isNaN(firstEpochLoss)) firstEpochLoss = trainLoss;
    }

    /** A loss figure (an epoch's running mean so far, or its final value) after {@code globalStep} steps. */
    void loss(long globalStep, double loss) {
        if (warned || !(firstEpochLoss > 0) || !Double.isFinite(firstEpochLoss) || !(loss > FACTOR * firstEpochLoss)) return;
        warned = true;
        warn.accept(String.format(Locale.ROOT, "warning: the training loss grew to %.4g at global step %d, over %,.0f× its first "
                        + "epoch's %.4g (learning rate %.4g): training is probably diverging; lower optimizer.learning_rate or set "
                        + "optimizer.clip_norm", loss, globalStep, FACTOR, firstEpochLoss, rates.rate(Math.max(0, globalStep - 1))));
    }
}
