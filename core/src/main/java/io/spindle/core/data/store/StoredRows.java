package io.spindle.core.data.store;

import io.spindle.core.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;

/**
 * A worker's training rows where they are kept: features and labels as two {@link RowStore}s of equal row count
 * (in memory, or mapped from a spool file), with the sample shape and class count of a {@link Dataset}; optionally
 * the per-row sample weights as one more store of the same row count and width 1 (null: every row weighs 1).
 */
public record StoredRows(RowStore features, RowStore labels, RowStore weights, long[] sampleShape, int numClasses) {
    public StoredRows {
        if (features.rows() != labels.rows()) {
            throw new IllegalArgumentException(features.rows() + " feature rows but " + labels.rows() + " label rows");
        }
        if (weights != null && (weights.rows() != features.rows() || weights.width() != 1)) {
            throw new IllegalArgumentException(features.rows() + " rows but " + weights.rows() + " x " + weights.width() + " sample weights");
        }
        long width = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (features.width() != width) {
            throw new IllegalArgumentException("rows hold " + features.width() + " values but the sample shape " + Arrays.toString(sampleShape)
                    + " needs " + width);
        }
        sampleShape = sampleShape.clone();
    }

    /** Unweighted rows. */
    public StoredRows(RowStore features, RowStore labels, long[] sampleShape, int numClasses) {
        this(features, labels, null, sampleShape, numClasses);
    }

    /** A dataset's arrays (and weights, if it has them), in place. */
    public static StoredRows of(Dataset data) {
        return new StoredRows(RowStore.of(data.features()), RowStore.of(data.labels()),
                data.weighted() ? RowStore.of(data.weights()) : null, data.sampleShape(), data.numClasses());
    }

    public int size() {
        return Math.toIntExact(features.rows());
    }

    public boolean weighted() {
        return weights != null;
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Every row decoded into native arrays of {@code type}: for evaluation and for tests, not for training. */
    public Dataset toDataset(DataType type) {
        Dataset d = new Dataset(features.toArray(type), labels.toArray(type), sampleShape, numClasses);
        return weights == null ? d : d.withWeights(weights.toArray(type), "weights");
    }
}
