package io.spindle.driver.ml;

import io.spindle.core.io.SavedModel;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Buffers;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What both fitted models hold: the trained network as its model file's contents and the training
 * summary; batched prediction of a DataFrame on the executors, and one row at a time on the driver.
 */
final class FittedNetwork {
    private static final String JOINED_FEATURES = "__spindle_input_features";
    private final SavedModel saved;
    private final TrainingSummary summary;
    private Network network;

    FittedNetwork(SavedModel saved, TrainingSummary summary) {
        this.saved = saved;
        this.summary = summary;
    }

    SavedModel saved() {
        return saved;
    }

    /** The summary of the fit, or null for a model saved without one. */
    TrainingSummary summary() {
        return summary;
    }

    /** Values one row holds: the product of the network's input shape. */
    int numFeatures() {
        return (int) Buffers.product(saved.model().inputShape());
    }

    /** The last layer's units: classes for a classifier, 1 for a regressor. */
    int numOutputs() {
        return (int) saved.model().outputShape()[0];
    }

    /** The network's raw output for one row (logits for a classifier), computed on the driver. */
    synchronized double[] forward(Vector features) {
        if (features.size() != numFeatures()) {
            throw new IllegalArgumentException("features: a Vector of " + numFeatures() + " values (the network's input); this one has " + features.size());
        }
        if (network == null) network = Network.withParams(saved.model(), saved.params(), 0);
        double[] v = features.toArray();
        float[] x = new float[v.length];
        for (int i = 0; i < v.length; i++) x[i] = (float) v[i];
        return network.forward(Nd4j.create(x, new long[] {1, x.length}, 'c'), false).castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** Appends {@code outputs} to every row of {@code dataset}; {@code schema} is the output schema transformSchema built. */
    Dataset<Row> transform(Dataset<?> dataset, FeatureSource features, PartitionPredictor.Outputs outputs, StructType schema) {
        Broadcast<float[]> params = dataset.sparkSession().sparkContext().broadcast(saved.params().toFloatVector(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        Dataset<Row> rows = dataset.toDF();
        StructType rowSchema = schema;
        String column = features.featuresCol();
        if (features.mapped()) {
            // The inputs' columns joined into one array for the predictor, dropped again after it: a column between the inputs and the outputs.
            column = JOINED_FEATURES;
            rows = rows.withColumn(column, features.column(rows.schema()));
            int inputs = dataset.schema().length();
            StructField[] out = schema.fields();
            StructField[] with = new StructField[out.length + 1];
            System.arraycopy(out, 0, with, 0, inputs);
            with[inputs] = rows.schema().apply(column);
            System.arraycopy(out, inputs, with, inputs + 1, out.length - inputs);
            rowSchema = new StructType(with);
        }
        PartitionPredictor predictor = new PartitionPredictor(saved.model().toJson().toString(), saved.loss(), params,
                rows.schema().fieldIndex(column), outputs);
        Dataset<Row> predicted = rows.mapPartitions(predictor, Encoders.row(rowSchema));
        return features.mapped() ? predicted.drop(column) : predicted;
    }
}

