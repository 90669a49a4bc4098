package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.StoredRows;
import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Minibatches in a seeded order: each epoch is a fresh permutation drawn from (seed, epoch), so
 * the same seed gives the same batches, also after a restart. Rows are copied, memory to memory, into
 * arrays reused from step to step, from wherever the rows are stored ({@link RowStore}). The last batch of an epoch
 * may be smaller.
 */
public final class BatchSampler {
    private final StoredRows data;
    private final DataType type;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private int[] order;
    private INDArray features, labels;
    private RowStore.Gather featureRows, labelRows;

    /** One minibatch: features [b, ...sampleShape] and labels [b, labelWidth], valid until the next call. */
    public record Batch(INDArray features, INDArray labels, int size) {
    }

    public BatchSampler(Dataset data, int batchSize, long seed, boolean shuffle) {
        this(StoredRows.of(data), data.features().dataType(), batchSize, seed, shuffle);
    }

    /** Batches of {@code type} (FLOAT or DOUBLE) from stored rows, converted as they are gathered. */
    public BatchSampler(StoredRows data, DataType type, int batchSize, long seed, boolean shuffle) {
        if (data.size() == 0) throw new IllegalArgumentException("the dataset is empty");
        this.data = data;
        this.type = type;
        this.batchSize = Math.min(batchSize, data.size());
        this.seed = seed;
        this.shuffle = shuffle;
    }

    public int batchesPerEpoch() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    public void startEpoch(int epoch) {
        order = permutation(data.size(), shuffle ? new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))) : null);
    }

    /** The identity order, or a Fisher–Yates shuffle of it. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        if (rng != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
        }
        return p;
    }

    public Batch batch(int index) {
        int from = index * batchSize;
        int size = Math.min(batchSize, data.size() - from);
        INDArray f = Buffers.reuse(features, type, size, data.features().width());
        INDArray l = Buffers.reuse(labels, type, size, data.labels().width());
        if (f != features || l != labels) {
            features = f;
            labels = l;
            featureRows = data.features().into(features);
            labelRows = data.labels().into(labels);
        }
        featureRows.gather(order, from, size);
        labelRows.gather(order, from, size);
        return new Batch(features, labels, size);
    }
}
