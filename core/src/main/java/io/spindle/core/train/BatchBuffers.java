package io.spindle.core.train;

import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.StoredRows;
import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One set of batch arrays (features, labels, sample weights) reused from step to step, with their row gathers. */
final class BatchBuffers {
    private final StoredRows data;
    private final DataType type;
    private INDArray features, labels, weights;
    private RowStore.Gather featureRows, labelRows, weightRows;
    private BatchSampler.Batch batch;

    BatchBuffers(StoredRows data, DataType type) {
        this.data = data;
        this.type = type;
    }

    /** The arrays for a batch of {@code size} rows (new ones only when the size changes), not yet filled. */
    BatchSampler.Batch prepare(int size) {
        INDArray f = Buffers.reuse(features, type, size, data.features().width());
        INDArray l = Buffers.reuse(labels, type, size, data.labels().width());
        if (f != features || l != labels) {
            features = f;
            labels = l;
            featureRows = data.features().into(features);
            labelRows = data.labels().into(labels);
            weights = data.weighted() ? Buffers.reuse(weights, type, size, 1) : null;
            weightRows = data.weighted() ? data.weights().into(weights) : null;
            batch = new BatchSampler.Batch(features, labels, weights, size);
        }
        return batch;
    }

    /** Fills the prepared arrays with the stored rows {@code order[from + i]}, i in [0, size). */
    void gather(int[] order, int from, int size) {
        featureRows.gather(order, from, size);
        labelRows.gather(order, from, size);
        if (weightRows != null) weightRows.gather(order, from, size);
    }
}
