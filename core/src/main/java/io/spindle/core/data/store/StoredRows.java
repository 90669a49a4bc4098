package io.spindle.core.data.store;

import io.spindle.core.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;

/**
 * A worker's training rows where they are kept: features and labels as two {@link RowStore}s of equal row count
 * (in memory, or mapped from a spool file), with the sample shape and class count of a {@link Dataset}.
 * A further per-row column (such as a sample weight) is one more store of the same row count.
 */
public record StoredRows(RowStore features, RowStore labels, long[] sampleShape, int numClasses) {
    public StoredRows {
        if (features.rows() != labels.rows()) {
            throw new IllegalArgumentException(features.rows() + " feature rows but " + labels.rows() + " label rows");
        }
        long width = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (features.width() != width) {
            throw new IllegalArgumentException("rows hold " + features.width() + " values but the sample shape " + Arrays.toString(sampleShape)
                    + " needs " + width);
        }
        sampleShape = sampleShape.clone();
    }

    /** A dataset's arrays, in place. */
    public static StoredRows of(Dataset data) {
        return new StoredRows(RowStore.of(data.features()), RowStore.of(data.labels()), data.sampleShape(), data.numClasses());
    }

    public int size() {
        return Math.toIntExact(features.rows());
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Every row decoded into native arrays of {@code type}: for evaluation and for tests, not for training. */
    public Dataset toDataset(DataType type) {
        return new Dataset(features.toArray(type), labels.toArray(type), sampleShape, numClasses);
    }
}
