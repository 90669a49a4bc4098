package io.spindle.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The share of rows whose label is among the {@code k} highest scores. A row counts as a hit when fewer
 * than k classes score strictly higher than the label, so ties resolve in the label's favour.
 */
public final class TopKAccuracy {
    private final int k;
    private long hits;
    private long total;

    public TopKAccuracy(int k) {
        if (k < 1) throw new IllegalArgumentException("k = " + k + " is not allowed: an integer >= 1");
        this.k = k;
    }

    public int k() {
        return k;
    }

    /** Shapes: scores [B, K] (probabilities or logits), labels [B] or [B, 1] of class indices. */
    public TopKAccuracy add(INDArray scores, INDArray labels) {
        int[] label = ClassLabels.of(scores, labels);
        int batch = label.length;
        if (batch == 0) return this;
        // The label's own score: one read per row; the comparison across the classes stays in ND4J.
        // Via double and back to the scores' type is exact, so the label never counts as higher than itself.
        double[] own = new double[batch];
        for (int i = 0; i < batch; i++) own[i] = scores.getDouble(i, label[i]);
        INDArray labelScore = Nd4j.create(own, new long[] {batch, 1}, DataType.DOUBLE).castTo(scores.dataType());
        INDArray higher = scores.subColumnVector(labelScore).gt(0).castTo(DataType.INT).sum(1);
        hits += higher.lt(k).castTo(DataType.INT).sumNumber().longValue();
        total += batch;
        return this;
    }

    /** Adds {@code other}'s counts (a worker's partial result) into this one and returns this. */
    public TopKAccuracy merge(TopKAccuracy other) {
        if (other.k != k) throw new IllegalArgumentException("cannot merge top-" + other.k + " into top-" + k + " accuracy");
        hits += other.hits;
        total += other.total;
        return this;
    }

    /** Hits / rows; NaN before anything was added. */
    public double value() {
        return (double) hits / total;
    }

    public long hits() {
        return hits;
    }

    public long total() {
        return total;
    }

    @Override
    public String toString() {
        return String.format("top-%d accuracy %.4f (%d/%d)", k, value(), hits, total);
    }
}
