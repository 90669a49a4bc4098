package io.spindle.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a batch's loss is weighted by and divided by: per-row sample weights {@code values} [B] or [B, 1] (null: every
 * row weighs 1) and the {@code normaliser} the weighted sum is divided by. A single process divides by the batch's own
 * weight sum; a data-parallel worker by the global batch's weight sum over the worker count, so that the mean of the
 * workers' gradients is the global weighted mean. Unweighted, the normaliser is the row count: the plain batch mean.
 */
public record RowWeights(INDArray values, double normaliser) {

    public RowWeights {
        if (!(normaliser > 0) || Double.isInfinite(normaliser)) {
            throw new IllegalArgumentException("a loss normaliser must be finite and > 0, got " + normaliser);
        }
    }

    /** Every row weighs 1 and the loss is the mean over {@code rows}. */
    public static RowWeights unweighted(long rows) {
        return new RowWeights(null, rows);
    }

    /** Rows weighted by {@code values} and divided by their own sum: the batch's weighted mean. */
    public static RowWeights ofBatch(INDArray values) {
        return new RowWeights(values, values.sumNumber().doubleValue());
    }

    public boolean weighted() {
        return values != null;
    }

    /** The weights as a [B, 1] column, ready to scale each row of a [B, K] array. */
    INDArray column(long rows, org.nd4j.linalg.api.buffer.DataType type) {
        if (values.length() != rows) {
            throw new IllegalArgumentException("a batch of " + rows + " rows needs " + rows + " weights, got " + values.length());
        }
        return (values.dataType() == type ? values : values.castTo(type)).reshape(rows, 1);
    }
}
