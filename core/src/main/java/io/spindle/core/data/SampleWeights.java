package io.spindle.core.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The rule every sample weight obeys wherever it is read (a CSV column, a DataFrame column, an array): finite and
 * strictly positive. A zero weight would drop a row silently and a negative one would train away from it; the
 * error names the column, the first bad row and its value.
 */
public final class SampleWeights {
    private SampleWeights() {
    }

    /** Whether {@code w} is an allowed weight. */
    public static boolean allowed(double w) {
        return w > 0 && Double.isFinite(w);
    }

    /** What a weight column must hold, for messages. */
    public static String rule() {
        return "finite weights > 0 (a row's weight multiplies its loss; drop a row instead of weighting it 0)";
    }

    /** Throws naming {@code column} unless every weight in {@code weights} is allowed. */
    public static void check(INDArray weights, String column) {
        if (weights.length() == 0) return;
        double[] w = weights.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < w.length; i++) {
            if (!allowed(w[i])) {
                throw new IllegalArgumentException("weight column \"" + column + "\": row " + i + " has weight " + w[i]
                        + "; it must hold " + rule());
            }
        }
    }
}
