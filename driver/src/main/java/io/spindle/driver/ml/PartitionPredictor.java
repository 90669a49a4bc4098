package io.spindle.driver.ml;

import io.spindle.driver.data.FeatureColumns;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Buffers;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Executor side of {@code transform}: rebuilds the network once per partition over the broadcast
 * parameters and predicts in batches of {@value #BATCH} rows, appending the {@link Outputs} asked for.
 */
final class PartitionPredictor implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 512;
    private final String modelJson, lossName;
    private final Broadcast<float[]> params;
    private final int featuresIndex;
    private final Outputs outputs;

    /**
     * Which columns to append, in this order: rawPrediction, probability, prediction for a classifier
     * (each switched off by an empty column name, as in Spark), prediction for a regressor;
     * {@code thresholds} (null: none) scale the probabilities before the arg max, as Spark's do.
     */
    record Outputs(boolean classification, boolean raw, boolean probability, boolean prediction, double[] thresholds) implements Serializable {
        int count() {
            return (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0);
        }
    }

    PartitionPredictor(String modelJson, String lossName, Broadcast<float[]> params, int featuresIndex, Outputs outputs) {
        this.modelJson = modelJson;
        this.lossName = lossName;
        this.params = params;
        this.featuresIndex = featuresIndex;
        this.outputs = outputs;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ModelConfig model;
        try {
            model = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(modelJson), "model"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Network net = Network.withParams(model, Nd4j.createFromArray(params.value()), 0);
        Loss loss = Loss.parse("loss", lossName);
        int width = (int) Buffers.product(model.inputShape());
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < out.size()) return true;
                out.clear();
                next = 0;
                List<Row> batch = new ArrayList<>(BATCH);
                while (batch.size() < BATCH && rows.hasNext()) batch.add(rows.next());
                if (!batch.isEmpty()) predict(batch);
                return !out.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                return out.get(next++);
            }

            private void predict(List<Row> batch) {
                float[] x = new float[batch.size() * width];
                for (int r = 0; r < batch.size(); r++) {
                    float[] f = FeatureColumns.values(batch.get(r), featuresIndex);
                    if (f.length != width) {
                        throw new IllegalArgumentException("featuresCol: a row holds " + f.length + " values; the network's input takes " + width);
                    }
                    System.arraycopy(f, 0, x, r * width, width);
                }
                INDArray raw = net.forward(Nd4j.create(x, new long[] {batch.size(), width}, 'c'), false).castTo(DataType.DOUBLE);
                double[][] scores = raw.toDoubleMatrix();
                double[][] predicted = loss.predict(raw).toDoubleMatrix();
                for (int r = 0; r < batch.size(); r++) out.add(append(batch.get(r), scores[r], predicted[r]));
            }
        };
    }

    private Row append(Row row, double[] raw, double[] predicted) {
        int n = row.length();
        Object[] values = new Object[n + (outputs.classification() ? outputs.count() : 1)];
        for (int i = 0; i < n; i++) values[i] = row.get(i);
        if (!outputs.classification()) {
            values[n] = predicted[0];
            return RowFactory.create(values);
        }
        int at = n;
        if (outputs.raw()) values[at++] = Vectors.dense(raw);
        if (outputs.probability()) values[at++] = Vectors.dense(predicted);
        if (outputs.prediction()) values[at] = (double) predictedClass(raw, predicted, outputs.thresholds());
        return RowFactory.create(values);
    }

    /**
     * Spark's rule: without thresholds the arg max of the raw scores; with them the arg max of
     * probability / threshold, where a class with threshold 0 wins unless its probability is 0 too (0/0).
     */
    static int predictedClass(double[] raw, double[] probability, double[] thresholds) {
        double[] scores = raw;
        if (thresholds != null) {
            scores = new double[probability.length];
            for (int k = 0; k < scores.length; k++) scores[k] = probability[k] / thresholds[k];
        }
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < scores.length; k++) {
            if (scores[k] > max) {
                max = scores[k];
                best = k;
            }
        }
        return best;
    }
}
