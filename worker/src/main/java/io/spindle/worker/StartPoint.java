package io.spindle.worker;

/**
 * Where a worker's loop begins: the 1-based {@code epoch}, the 0-based {@code step} inside it, and the
 * epoch's figures already counted before {@code step} over all ranks ({@code totals}: loss sum, correct,
 * rows seen; zeros at an epoch's start). The seeded per-epoch order lets a worker jump straight there.
 */
public record StartPoint(int epoch, int step, double[] totals) {
    public static final StartPoint BEGINNING = new StartPoint(1, 0, new double[3]);

    public StartPoint {
        if (epoch < 1 || step < 0) throw new IllegalArgumentException("start at epoch " + epoch + ", step " + step);
        if (totals.length != 3) throw new IllegalArgumentException("totals are loss sum, correct, seen");
        totals = totals.clone();
    }

    @Override
    public double[] totals() {
        return totals.clone();
    }
}
