package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.StoredRows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Minibatches in a {@link RowOrder}: batch i holds the order's positions {@code [i·b, (i+1)·b)} of the epoch, so the
 * same order gives the same batches, also after a restart. Rows are copied, memory to memory, into arrays reused
 * from step to step, from wherever the rows are stored ({@link RowStore}). The last batch of an epoch may be smaller.
 * Rows stored in a file are gathered one batch ahead by a {@link ReadAhead} thread while the caller trains on the
 * batch before: the same rows in the same order, only earlier.
 */
public final class BatchSampler implements AutoCloseable {
    private final StoredRows data;
    private final int batchSize;
    private final RowOrder rowOrder;
    private final BatchBuffers[] buffers;   // one set; two when reading ahead: the batch in use and the next one
    private final ReadAhead readAhead;      // null when the rows are in memory
    private int inUse;                      // the set that holds the batch handed out last
    private int[] order;
    private double[] weightValues;   // the stored weights, read once for the per-batch sums

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
        this.batchSize = Math.min(batchSize, order.rowsPerEpoch());
        this.rowOrder = order;
        boolean ahead = data.features().inFile();
        this.buffers = ahead ? new BatchBuffers[] {new BatchBuffers(data, type), new BatchBuffers(data, type)}
                : new BatchBuffers[] {new BatchBuffers(data, type)};
        this.readAhead = ahead ? new ReadAhead() : null;
    }

    public int batchesPerEpoch() {
        return (rowOrder.rowsPerEpoch() + batchSize - 1) / batchSize;
    }

    public void startEpoch(int epoch) {
        if (readAhead != null) readAhead.await(-1);   // it may still be reading with the last epoch's order
        order = rowOrder.epoch(epoch);
    }

    public Batch batch(int index) {
        int set = buffers.length - 1 - inUse;   // the set not in use: the next batch is read ahead into it
        boolean ready = readAhead != null && readAhead.await(index);   // no read is in flight after this
        Batch batch = buffers[set].prepare(size(index));
        if (!ready) buffers[set].gather(order, from(index), size(index));
        inUse = set;
        int next = index + 1;
        if (readAhead != null && next < batchesPerEpoch()) {
            BatchBuffers into = buffers[1 - set];
            into.prepare(size(next));   // arrays are made on this thread; the reader only copies rows into them
            readAhead.start(next, into, order, from(next), size(next));
        }
        return batch;
    }

    private int from(int index) {
        return index * batchSize;
    }

    private int size(int index) {
        return Math.min(batchSize, rowOrder.rowsPerEpoch() - from(index));
    }

    /**
     * The sample-weight sum of batch {@code index} of this epoch, summed in double in batch order, without gathering
     * the batch; its row count when the data is unweighted. A worker learns its global batches' sums from these.
     */
    public double weightSum(int index) {
        int from = from(index), size = size(index);
        if (!data.weighted()) return size;
        if (weightValues == null) weightValues = data.weights().toArray(DataType.DOUBLE).data().asDouble();
        double sum = 0;
        for (int i = from; i < from + size; i++) sum += weightValues[order[i]];
        return sum;
    }

    /** Stops the read-ahead thread, if there is one; a batch it was reading is abandoned. */
    @Override
    public void close() {
        if (readAhead != null) readAhead.close();
    }
}
