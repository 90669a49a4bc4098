package io.spindle.driver.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark {@code Regressor} that trains a Spindle network with one output unit (mean squared error
 * against a numeric label) on a DataFrame, data-parallel on Spark.
 */
public final class SpindleRegressor extends Regressor<Vector, SpindleRegressor, SpindleRegressionModel>
        implements TrainingSetters<SpindleRegressor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final TrainingParams params;

    public SpindleRegressor() {
        this(Identifiable.randomUID("spindleRegressor"));
    }

    public SpindleRegressor(String uid) {
        this(PendingUid.of(uid));
    }

    private SpindleRegressor(PendingUid pending) {
        this.uid = pending.take();
        this.params = new TrainingParams(this);
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
    public StructType transformSchema(StructType schema) {
        NetworkFit.checkInputs(schema, this, getFeaturesCol(), getLabelCol());
        return SpindleRegressionModel.outputs(schema, getPredictionCol());
    }

    @Override
    public SpindleRegressionModel train(Dataset<?> dataset) {
        NetworkFit.Result fit = NetworkFit.fit(this, dataset, getFeaturesCol(), getLabelCol());
        return new SpindleRegressionModel(uid(), fit.saved(), fit.summary());
    }

    @Override
    public SpindleRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SpindleRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static SpindleRegressor load(String path) {
        return read().load(path);
    }
}
