package io.spindle.worker;

import io.spindle.core.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * One worker's rows packed into two contiguous float arrays — the form Spark caches (with Kryo)
 * so later epochs and a resumed attempt never re-read the source.
 * Layout: features [rows × featureWidth] and labels [rows × labelWidth], row-major; optionally one sample weight per
 * row beside the labels (null: unweighted).
 */
public final class Shard implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private int index;
    private int rows;
    private float[] features;
    private float[] labels;
    private long[] sampleShape;
    private int labelWidth;
    private int numClasses;
    private float[] weights;

    /** For Kryo. */
    Shard() {
    }

    public Shard(int index, int rows, float[] features, float[] labels, long[] sampleShape, int labelWidth, int numClasses) {
        this(index, rows, features, labels, sampleShape, labelWidth, numClasses, null);
    }

    /** As the unweighted shard, with {@code weights} (one per row, or null) beside the labels. */
    public Shard(int index, int rows, float[] features, float[] labels, long[] sampleShape, int labelWidth, int numClasses, float[] weights) {
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("shard " + index + ": " + rows + " rows do not match " + weights.length + " weights");
        }
        this.weights = weights;
        long width = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (features.length != (long) rows * width || labels.length != (long) rows * labelWidth) {
            throw new IllegalArgumentException("shard " + index + ": " + rows + " rows do not match " + features.length
                    + " feature values / " + labels.length + " label values");
        }
        this.index = index;
        this.rows = rows;
        this.features = features;
        this.labels = labels;
        this.sampleShape = sampleShape.clone();
        this.labelWidth = labelWidth;
        this.numClasses = numClasses;
    }

    /** The rows {@code rowIndices} of {@code data}, gathered natively and copied out once. */
    public static Shard of(int index, Dataset data, int[] rowIndices) {
        int width = (int) data.features().size(1), lw = (int) data.labelWidth();
        float[] f, l, w = null;
        if (rowIndices.length == 0) {
            f = new float[0];
            l = new float[0];
            if (data.weighted()) w = new float[0];
        } else {
            f = Nd4j.pullRows(data.features(), 1, rowIndices).castTo(DataType.FLOAT).data().asFloat();
            l = Nd4j.pullRows(data.labels(), 1, rowIndices).castTo(DataType.FLOAT).data().asFloat();
            if (data.weighted()) w = Nd4j.pullRows(data.weights(), 1, rowIndices).castTo(DataType.FLOAT).data().asFloat();
        }
        return new Shard(index, rowIndices.length, f, l, data.sampleShape(), lw, data.numClasses(), w);
    }

    public Dataset toDataset() {
        long width = features.length / Math.max(rows, 1);
        Dataset d = new Dataset(Nd4j.create(features, new long[] {rows, width}, 'c'),
                Nd4j.create(labels, new long[] {rows, labelWidth}, 'c'), sampleShape, numClasses);
        return weights == null ? d : d.withWeights(Nd4j.create(weights, new long[] {rows, 1}, 'c'), "weights");
    }

    public int index() {
        return index;
    }

    public int rows() {
        return rows;
    }
}
