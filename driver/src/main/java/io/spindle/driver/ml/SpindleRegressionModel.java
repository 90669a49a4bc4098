package io.spindle.driver.ml;

import io.spindle.core.io.SavedModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted {@link SpindleRegressor}, a Spark {@code RegressionModel}: adds prediction, the network's one output (none when predictionCol is ""). */
public final class SpindleRegressionModel extends RegressionModel<Vector, SpindleRegressionModel> implements SpindleModel {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final TrainingParams params;
    private final transient FittedNetwork fitted;

    SpindleRegressionModel(String uid, SavedModel saved, TrainingSummary summary) {
        this(PendingUid.of(uid), saved, summary);
    }

    private SpindleRegressionModel(PendingUid pending, SavedModel saved, TrainingSummary summary) {
        this.uid = pending.take();
        this.params = new TrainingParams(this);
        this.fitted = new FittedNetwork(saved, summary);
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    @Override
    public TrainingParams trainingParams() {
        return params;
    }

    @Override
    public SavedModel savedModel() {
        return fitted.saved();
    }

    @Override
    public boolean hasSummary() {
        return fitted.summary() != null;
    }

    @Override
    public TrainingSummary summary() {
        if (!hasSummary()) throw new IllegalStateException("this model was saved without a training summary");
        return fitted.summary();
    }

    @Override
    public int numFeatures() {
        return fitted.numFeatures();
    }

    /** The prediction for one row, computed on the driver. */
    @Override
    public double predict(Vector features) {
        return fitted.forward(features)[0];
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureSource.check(this, getFeaturesCol(), schema);
        return outputs(schema, getPredictionCol());
    }

    static StructType outputs(StructType schema, String prediction) {
        return prediction.isEmpty() ? schema : SpindleClassificationModel.add(schema, "predictionCol", prediction, DataTypes.DoubleType);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        if (getPredictionCol().isEmpty()) return dataset.toDF();
        return fitted.transform(dataset, FeatureSource.of(this, getFeaturesCol(), savedModel().model()), new PartitionPredictor.Outputs(false, false, false, true, null), out);
    }

    @Override
    public SpindleRegressionModel copy(ParamMap extra) {
        return copyValues(new SpindleRegressionModel(uid(), savedModel(), fitted.summary()), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new SpindleModelWriter(this, fitted.summary());
    }

    public static MLReader<SpindleRegressionModel> read() {
        return new SpindleModelWriter.Reader<>(SpindleRegressionModel.class, SpindleRegressionModel::new);
    }

    public static SpindleRegressionModel load(String path) {
        return read().load(path);
    }
}
