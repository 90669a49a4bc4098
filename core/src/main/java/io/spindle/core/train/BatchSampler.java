package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.StoredRows;
import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Minibatches in a {@link RowOrder}: batch i holds the order's positions {@code [i·b, (i+1)·b)} of the epoch, so the
 * same order gives the same batches, also after a restart. Rows are copied, memory to memory, into arrays reused
 * from step to step, from wherever the rows are stored ({@link RowStore}). The last batch of an epoch may be smaller.
 */
public final class BatchSampler {
    private final StoredRows data;
    private final DataType type;
    private final int batchSize;
    private final RowOrder rowOrder;
    private int[] order;
    private double[] weightValues;   // the stored weights, read once for the per-batch sums
    private INDArray features, labels, weights;
    private RowStore.Gather featureRows, labelRows, weightRows;

    /**
     * One minibatch: features [b, ...sampleShape], labels [b, labelWidth] and the sample weights [b, 1] (null when the
     * data has none), valid until the next call.
     */
    public record Batch(INDArray features, INDArray labels, INDArray weights, int size) {
        public Batch(INDArray features, INDArray labels, int size) {
            this(features, labels, null, size);
        }
    }

    public BatchSampler(Dataset data, int batchSize, RowOrder order) {
        this(StoredRows.of(data), data.features().dataType(), batchSize, order);
    }

    /** Batches of {@code type} (FLOAT or DOUBLE) from stored rows, converted as they are gathered. */
    public BatchSampler(StoredRows data, DataType type, int batchSize, RowOrder order) {
        if (data.size() == 0 || order.rowsPerEpoch() == 0) throw new IllegalArgumentException("the dataset is empty");
        this.data = data;
        this.type = type;
        this.batchSize = Math.min(batchSize, order.rowsPerEpoch());
        this.rowOrder = order;
    }

    public int batchesPerEpoch() {
        return (rowOrder.rowsPerEpoch() + batchSize - 1) / batchSize;
    }

    public void startEpoch(int epoch) {
        order = rowOrder.epoch(epoch);
    }

    public Batch batch(int index) {
        int from = index * batchSize;
        int size = Math.min(batchSize, rowOrder.rowsPerEpoch() - from);
        INDArray f = Buffers.reuse(features, type, size, data.features().width());
        INDArray l = Buffers.reuse(labels, type, size, data.labels().width());
        if (f != features || l != labels) {
            features = f;
            labels = l;
            featureRows = data.features().into(features);
            labelRows = data.labels().into(labels);
            weights = data.weighted() ? Buffers.reuse(weights, type, size, 1) : null;
            weightRows = data.weighted() ? data.weights().into(weights) : null;
        }
        featureRows.gather(order, from, size);
        labelRows.gather(order, from, size);
        if (weightRows != null) weightRows.gather(order, from, size);
        return new Batch(features, labels, weights, size);
    }

    /**
     * The sample-weight sum of batch {@code index} of this epoch, summed in double in batch order, without gathering
     * the batch; its row count when the data is unweighted. A worker learns its global batches' sums from these.
     */
    public double weightSum(int index) {
        int from = index * batchSize;
        int size = Math.min(batchSize, rowOrder.rowsPerEpoch() - from);
        if (!data.weighted()) return size;
        if (weightValues == null) weightValues = data.weights().toArray(DataType.DOUBLE).data().asDouble();
        double sum = 0;
        for (int i = from; i < from + size; i++) sum += weightValues[order[i]];
        return sum;
    }
}
