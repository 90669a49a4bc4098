package io.spindle.driver.run;

import io.spindle.core.optim.LearningRateSchedule;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.TrainingListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Records the per-step training loss for the report while passing every event on to {@code next} (the progress bar):
 * about {@link #MAX_POINTS} points over the run, each the mean loss of a window of steps, worked out from the running
 * epoch means the progress events carry. A retried attempt that re-reports steps replaces what it redoes. The events come
 * on the progress channel's thread, the points are read on the driver's: both are synchronized.
 */
public final class StepLog implements TrainingListener {
    static final int MAX_POINTS = 1000;
    private final LearningRateSchedule schedule;
    private final int epochs;
    private final TrainingListener next;
    private final List<StepLoss> points = new ArrayList<>();
    private int every, anchorEpoch, anchorStep;
    private long lastStep, firstStep, firstStepNanos;
    private double anchorMean;

    public StepLog(LearningRateSchedule schedule, int epochs, TrainingListener next) {
        this.schedule = schedule;
        this.epochs = epochs;
        this.next = next;
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int steps) {
        next.onEpochStart(epoch, epochs, steps);
    }

    @Override
    public synchronized void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        next.onStep(epoch, step, steps, loss, samplesPerSecond);
        long global = (long) (epoch - 1) * steps + step;
        if (firstStep == 0) {
            firstStep = global;
            firstStepNanos = System.nanoTime();
        }
        if (every == 0) every = (int) Math.max(1, ((long) epochs * steps + MAX_POINTS - 1) / MAX_POINTS);
        if (global <= lastStep) points.removeIf(p -> p.step() >= global);
        if (epoch != anchorEpoch || global <= lastStep) {
            // The running mean restarts with each epoch; a retried attempt's first mean may carry a checkpoint's steps.
            anchorEpoch = epoch;
            anchorStep = step == 1 ? 0 : step;
            anchorMean = step == 1 ? 0 : loss;
        }
        lastStep = global;
        if (step > anchorStep && (step % every == 0 || step == steps)) {
            // Steps weigh the same: a short last batch of an epoch counts as a whole one.
            double window = (step * loss - anchorStep * anchorMean) / (step - anchorStep);
            points.add(new StepLoss(global, epoch - 1 + (double) step / steps, window, schedule.rate(global - 1)));
            anchorStep = step;
            anchorMean = loss;
        }
    }

    @Override
    public void onEpochEnd(EpochStats stats) {
        next.onEpochEnd(stats);
    }

    /** The points so far, in step order. */
    public synchronized List<StepLoss> points() {
        return List.copyOf(points);
    }

    /** The first global step reported (a resumed run's starts past 1), or 0 before any. */
    public synchronized long firstStep() {
        return firstStep;
    }

    /** When the first step was reported ({@link System#nanoTime}), or 0 before any. */
    public synchronized long firstStepNanos() {
        return firstStepNanos;
    }

    /** {@code steps.csv}: a header, then a point a line. */
    public static String toCsv(List<StepLoss> points) {
        StringBuilder sb = new StringBuilder(StepLoss.CSV_HEADER).append('\n');
        points.forEach(p -> sb.append(p.toCsv()).append('\n'));
        return sb.toString();
    }
}
