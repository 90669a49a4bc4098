package io.spindle.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts of (actual, predicted) class pairs, and the classification metrics derived from them.
 * Workers fill partial matrices that {@link #merge} sums exactly; counts are longs, so order never matters.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 2) throw new IllegalArgumentException("classes = " + classes + " is not allowed: an integer >= 2");
        this.counts = new long[classes][classes];
    }

    /** Rebuilds a matrix from {@link #counts()} (a worker's partial result). */
    public static ConfusionMatrix fromCounts(long[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int a = 0; a < counts.length; a++) {
            if (counts[a].length != counts.length) throw new IllegalArgumentException("counts must be square");
            System.arraycopy(counts[a], 0, m.counts[a], 0, counts.length);
        }
        return m;
    }

    public int classes() {
        return counts.length;
    }

    public ConfusionMatrix add(int actual, int predicted) {
        ClassLabels.checkIndex("actual", actual, classes());
        ClassLabels.checkIndex("predicted", predicted, classes());
        counts[actual][predicted]++;
        return this;
    }

    /**
     * Tallies one batch: the prediction is each row's highest score (probabilities or logits alike).
     * Shapes: scores [B, K], labels [B] or [B, 1] of class indices. Ties go to the lowest class index.
     */
    public ConfusionMatrix add(INDArray scores, INDArray labels) {
        int[] actual = ClassLabels.of(scores, labels, classes());
        if (actual.length == 0) return this;
        long[] predicted = Nd4j.argMax(scores, 1).toLongVector();
        for (int i = 0; i < actual.length; i++) counts[actual[i]][(int) predicted[i]]++;
        return this;
    }

    /** Adds {@code other}'s counts into this matrix and returns this. */
    public ConfusionMatrix merge(ConfusionMatrix other) {
        if (other.classes() != classes()) {
            throw new IllegalArgumentException("cannot merge a " + other.classes() + "-class matrix into a " + classes() + "-class one");
        }
        for (int a = 0; a < counts.length; a++) {
            for (int p = 0; p < counts.length; p++) counts[a][p] += other.counts[a][p];
        }
        return this;
    }

    /** A copy of the counts: {@code counts()[actual][predicted]}. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int a = 0; a < counts.length; a++) copy[a] = counts[a].clone();
        return copy;
    }

    public long total() {
        long t = 0;
        for (long[] row : counts) for (long c : row) t += c;
        return t;
    }

    /** Correct / total; NaN before anything was added. */
    public double accuracy() {
        return (double) correct() / total();
    }

    /** Rows whose predicted class is their label. */
    public long correct() {
        long correct = 0;
        for (int k = 0; k < counts.length; k++) correct += counts[k][k];
        return correct;
    }

    /** Of the rows predicted as {@code k}, the share that are {@code k}; 0 when nothing was predicted as k. */
    public double precision(int k) {
        ClassLabels.checkIndex("precision:", k, classes());
        return ratio(counts[k][k], predictedAs(k));
    }

    /** Of the rows that are {@code k}, the share predicted as {@code k}; 0 when k never occurred. */
    public double recall(int k) {
        ClassLabels.checkIndex("recall:", k, classes());
        return ratio(counts[k][k], actually(k));
    }

    /** The harmonic mean of precision and recall; 0 when both are 0. */
    public double f1(int k) {
        double p = precision(k), r = recall(k);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The mean F1 over the classes that occur as actual or predicted (as scikit-learn does without an
     * explicit label list), so a class absent from a small evaluation set does not count as a 0.
     * NaN before anything was added.
     */
    public double macroF1() {
        double sum = 0;
        int seen = 0;
        for (int k = 0; k < counts.length; k++) {
            if (actually(k) + predictedAs(k) == 0) continue;
            sum += f1(k);
            seen++;
        }
        return sum / seen;
    }

    /** Rows whose actual class is k. */
    private long actually(int k) {
        long n = 0;
        for (long c : counts[k]) n += c;
        return n;
    }

    /** Rows predicted as class k. */
    private long predictedAs(int k) {
        long n = 0;
        for (long[] row : counts) n += row[k];
        return n;
    }

    // Zero-division gives 0, scikit-learn's zero_division default, so summaries stay finite.
    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /** The counts as a table (rows actual, columns predicted) with per-class recall and precision. */
    @Override
    public String toString() {
        return toString(null);
    }

    /** As {@link #toString()}, with the classes called {@code names} (one per class; null: their indices). */
    public String toString(java.util.List<String> names) {
        int k = counts.length;
        if (names != null && names.size() != k) throw new IllegalArgumentException("class names: " + names.size() + " for " + k + " classes");
        String[] label = new String[k];
        int w = 6;
        for (int c = 0; c < k; c++) {
            label[c] = names == null ? Integer.toString(c) : names.get(c);
            w = Math.max(w, label[c].length() + 1);
        }
        for (long[] row : counts) for (long c : row) w = Math.max(w, Long.toString(c).length() + 1);
        int first = Math.max(16, w);
        StringBuilder s = new StringBuilder(String.format("%-" + first + "s", "actual\\predicted"));
        for (int p = 0; p < k; p++) s.append(String.format("%" + w + "s", label[p]));
        s.append(String.format("%" + (w + 2) + "s%n", "recall"));
        for (int a = 0; a < k; a++) {
            s.append(String.format("%" + first + "s", label[a]));
            for (int p = 0; p < k; p++) s.append(String.format("%" + w + "d", counts[a][p]));
            s.append(String.format("%" + (w + 2) + ".3f%n", recall(a)));
        }
        s.append(String.format("%" + first + "s", "precision"));
        for (int p = 0; p < k; p++) s.append(String.format("%" + w + ".3f", precision(p)));
        s.append(String.format("%naccuracy %.4f (%d rows), macro F1 %.4f", accuracy(), total(), macroF1()));
        return s.toString();
    }
}
