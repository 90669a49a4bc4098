package io.spindle.core.io;

import io.spindle.core.train.EpochStats;

import java.util.List;

/**
 * A resumable training state: the model file's contents (parameters, optimizer state and step count)
 * plus where training goes on — the 1-based {@code epoch} and the 0-based {@code step} inside it to run
 * next, {@code globalStep} steps done so far, the data-order seed, the epoch-so-far totals over all
 * workers (loss sum, correct, rows seen) and the finished epochs' figures.
 * Dropout masks are drawn from (seed, rank, global step), so the step is the whole random state.
 */
public record Checkpoint(SavedModel model, int epoch, int step, long globalStep, long dataSeed,
                         double[] epochTotals, List<EpochStats> history) {
    public Checkpoint {
        if (epoch < 1 || step < 0 || globalStep < 0) {
            throw new IllegalArgumentException("checkpoint position epoch " + epoch + ", step " + step + ", global step " + globalStep);
        }
        if (epochTotals.length != 3) throw new IllegalArgumentException("epoch totals are loss sum, correct, seen");
        epochTotals = epochTotals.clone();
        history = List.copyOf(history);
    }

    @Override
    public double[] epochTotals() {
        return epochTotals.clone();
    }
}
