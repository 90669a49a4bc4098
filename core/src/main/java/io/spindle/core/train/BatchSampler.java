package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Minibatches in a {@link RowOrder}: batch i holds the order's positions {@code [i·b, (i+1)·b)} of the epoch, so the
 * same order gives the same batches, also after a restart. Rows are copied, memory to memory, into arrays reused
 * from step to step. The last batch of an epoch may be smaller.
 */
public final class BatchSampler {
    private final Dataset data;
    private final int batchSize;
    private final RowOrder rowOrder;
    private int[] order;
    private INDArray features, labels;
    private RowGather featureRows, labelRows;

    /** One minibatch: features [b, ...sampleShape] and labels [b, labelWidth], valid until the next call. */
    public record Batch(INDArray features, INDArray labels, int size) {
    }

    public BatchSampler(Dataset data, int batchSize, RowOrder order) {
        if (data.size() == 0 || order.rowsPerEpoch() == 0) throw new IllegalArgumentException("the dataset is empty");
        this.data = data;
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
        INDArray f = Buffers.reuse(features, data.features().dataType(), size, data.features().size(1));
        INDArray l = Buffers.reuse(labels, data.labels().dataType(), size, data.labels().size(1));
        if (f != features || l != labels) {
            features = f;
            labels = l;
            featureRows = new RowGather(data.features(), features);
            labelRows = new RowGather(data.labels(), labels);
        }
        featureRows.gather(order, from, size);
        labelRows.gather(order, from, size);
        return new Batch(features, labels, size);
    }
}
