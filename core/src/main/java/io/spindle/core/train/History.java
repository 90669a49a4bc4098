package io.spindle.core.train;

import java.util.ArrayList;
import java.util.List;

/** Per-epoch statistics of one fit, in order, and whether early stopping ended it. */
public final class History {
    private final List<EpochStats> epochs = new ArrayList<>();
    private boolean stoppedEarly;
    private int bestEpoch = -1;

    /** A history assembled elsewhere (the distributed coordinator). */
    public static History of(List<EpochStats> epochs, int bestEpochIfStoppedEarly) {
        History h = new History();
        epochs.forEach(h::add);
        if (bestEpochIfStoppedEarly > 0) h.stoppedEarly(bestEpochIfStoppedEarly);
        return h;
    }

    void add(EpochStats stats) {
        epochs.add(stats);
    }

    void stoppedEarly(int bestEpoch) {
        this.stoppedEarly = true;
        this.bestEpoch = bestEpoch;
    }

    public List<EpochStats> epochs() {
        return List.copyOf(epochs);
    }

    public EpochStats last() {
        return epochs.get(epochs.size() - 1);
    }

    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** The epoch whose parameters were restored by early stopping, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Mean training throughput over all epochs, weighting each by its duration. */
    public double samplesPerSecond() {
        double samples = 0, seconds = 0;
        for (EpochStats e : epochs) {
            samples += e.samplesPerSecond() * e.seconds();
            seconds += e.seconds();
        }
        return seconds == 0 ? 0 : samples / seconds;
    }

    /** The history as CSV, one row per epoch, with a header. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(EpochStats.CSV_HEADER).append('\n');
        epochs.forEach(e -> sb.append(e.toCsv()).append('\n'));
        return sb.toString();
    }
}
