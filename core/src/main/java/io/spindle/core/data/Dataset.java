package io.spindle.core.data;

import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Rows of (features, label) packed into two contiguous c-order arrays.
 * Shapes: features [N, product(sampleShape)], labels [N, labelWidth] — width 1 holding class
 * indices for classification ({@code numClasses > 0}), or the regression targets. Optionally per-row sample
 * weights [N, 1], each finite and > 0, which travel with the labels; without them every row weighs 1.
 */
public final class Dataset {
    private final INDArray features;
    private final INDArray labels;
    private final long[] sampleShape;
    private final int numClasses;
    private final INDArray weights;   // null: unweighted
    private String fingerprint;

    public Dataset(INDArray features, INDArray labels, long[] sampleShape, int numClasses) {
        this(features, labels, sampleShape, numClasses, null);
    }

    private Dataset(INDArray features, INDArray labels, long[] sampleShape, int numClasses, INDArray weights) {
        if (features.rank() != 2 || labels.rank() != 2) {
            throw new IllegalArgumentException("features and labels must be 2-D [rows, values], got "
                    + Arrays.toString(features.shape()) + " and " + Arrays.toString(labels.shape()));
        }
        if (features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException(features.size(0) + " feature rows but " + labels.size(0) + " label rows");
        }
        if (features.size(1) != Buffers.product(sampleShape)) {
            throw new IllegalArgumentException("rows hold " + features.size(1) + " values but the sample shape "
                    + Arrays.toString(sampleShape) + " needs " + Buffers.product(sampleShape));
        }
        this.features = features;
        this.labels = labels;
        this.sampleShape = sampleShape.clone();
        this.numClasses = numClasses;
        this.weights = weights;
    }

    /**
     * These rows with sample weights {@code weights} (one per row, each finite and > 0); {@code column} names where
     * they came from in the error a bad weight gets.
     */
    public Dataset withWeights(INDArray weights, String column) {
        if (weights.length() != size()) {
            throw new IllegalArgumentException("weight column \"" + column + "\" has " + weights.length() + " values for " + size() + " rows");
        }
        INDArray w = weights.reshape(size(), 1);
        SampleWeights.check(w, column);
        return new Dataset(features, labels, sampleShape, numClasses, w);
    }

    /** The per-row sample weights [N, 1], or null when every row weighs 1. */
    public INDArray weights() {
        return weights;
    }

    public boolean weighted() {
        return weights != null;
    }

    public int size() {
        return (int) features.size(0);
    }

    public INDArray features() {
        return features;
    }

    public INDArray labels() {
        return labels;
    }

    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** The number of classes for classification data, 0 for regression targets. */
    public int numClasses() {
        return numClasses;
    }

    public long labelWidth() {
        return labels.size(1);
    }

    /** Rows [from, to) as views: no copy. */
    public Dataset rows(int from, int to) {
        return new Dataset(features.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()),
                labels.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), sampleShape, numClasses,
                weights == null ? null : weights.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
    }

    /** The same rows as {@code type} (double for gradient checks, float for training). */
    public Dataset as(DataType type) {
        return new Dataset(features.castTo(type), labels.castTo(type), sampleShape, numClasses,
                weights == null ? null : weights.castTo(type));
    }

    /** SHA-256 over shape, features, labels and weights if any (as float32): identifies the data a model was trained on. */
    public String fingerprint() {
        if (fingerprint == null) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                ByteBuffer header = ByteBuffer.allocate(8 * (3 + sampleShape.length));
                header.putLong(features.size(0)).putLong(labels.size(1)).putLong(numClasses);
                for (long d : sampleShape) header.putLong(d);
                sha.update(header.array());
                sha.update(features.castTo(DataType.FLOAT).dup('c').data().asNio());
                sha.update(labels.castTo(DataType.FLOAT).dup('c').data().asNio());
                if (weights != null) sha.update(weights.castTo(DataType.FLOAT).dup('c').data().asNio());
                fingerprint = "sha256:" + HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return fingerprint;
    }
}
