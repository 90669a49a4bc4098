package io.spindle.driver.run;

import io.spindle.core.train.EpochStats;
import io.spindle.core.train.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The console progress bar: one redrawn line per epoch on a terminal (step, loss, samples/s, ETA),
 * a line at a quarter of the epoch when the output is a file or a pipe and the last line is 10 s old,
 * then an epoch summary.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;
    /** A log file gets a progress line no more often than this: short epochs need only their summary line. */
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private final PrintStream out;
    private final boolean interactive;
    private int epochs;
    private long lastDraw;
    private int lastQuarter;
    private long epochStart;

    public ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    public static ProgressBar console() {
        return new ProgressBar(System.out, System.console() != null);
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int steps) {
        this.epochs = epochs;
        this.epochStart = System.nanoTime();
        this.lastDraw = interactive ? 0 : epochStart;
        this.lastQuarter = 0;
    }

    @Override
    public void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        long now = System.nanoTime();
        int quarter = 4 * step / steps;
        boolean draw = interactive ? (now - lastDraw > 100_000_000L || step == steps)
                : (quarter > lastQuarter && step < steps && now - lastDraw >= LOG_INTERVAL_NANOS);
        if (!draw) return;
        lastDraw = now;
        lastQuarter = quarter;
        int filled = (int) ((long) WIDTH * step / steps);
        double secondsPerStep = (now - epochStart) / 1e9 / step;
        String line = String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d  loss %.4f  %,.0f samples/s  ETA %s",
                epoch, epochs, "=".repeat(filled), ".".repeat(WIDTH - filled), step, steps, loss, samplesPerSecond,
                clock(secondsPerStep * (steps - step)));
        if (interactive) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void onEpochEnd(EpochStats s) {
        if (interactive) out.print("\r" + " ".repeat(110) + "\r");
        out.println(epochLine(s, epochs));
        out.flush();
    }

    /** The line that ends an epoch: loss, accuracy and the validation figures when measured, samples/s, seconds. */
    public static String epochLine(EpochStats s, int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", s.epoch(), epochs, s.trainLoss()));
        if (!Double.isNaN(s.trainAccuracy())) sb.append(String.format(Locale.ROOT, "  acc %.4f", s.trainAccuracy()));
        if (!Double.isNaN(s.validationLoss())) sb.append(String.format(Locale.ROOT, "  val_loss %.4f", s.validationLoss()));
        if (!Double.isNaN(s.validationAccuracy())) sb.append(String.format(Locale.ROOT, "  val_acc %.4f", s.validationAccuracy()));
        return sb.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.1f s", s.samplesPerSecond(), s.seconds())).toString();
    }

    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
