package io.spindle.driver.ml;

import io.spindle.core.train.EpochStats;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.run.ProgressBar;

import java.io.PrintStream;

/** Prints one line per epoch while a fit runs, as the CLI's progress bar ends each epoch, and nothing per step. */
final class EpochLines implements TrainingListener {
    private final PrintStream out;
    private int epochs;

    EpochLines(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int steps) {
        this.epochs = epochs;
    }

    @Override
    public void onEpochEnd(EpochStats stats) {
        out.println(ProgressBar.epochLine(stats, epochs));
        out.flush();
    }
}
