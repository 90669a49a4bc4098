package io.spindle.driver.ml;

import io.spindle.core.config.ConfigException;
import io.spindle.core.io.SavedModel;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.train.History;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML Estimator that trains a Spindle network with one output unit as a regressor
 * (mean squared error against a numeric label) on a DataFrame, data-parallel on Spark.
 */
public final class SpindleRegressor extends SpindleEstimator<SpindleRegressionModel, SpindleRegressor> {
    private static final long serialVersionUID = 1L;

    public SpindleRegressor() {
        this(Identifiable.randomUID("spindleRegressor"));
    }

    public SpindleRegressor(String uid) {
        super(uid);
    }

    @Override
    String lossName() {
        return "mse";
    }

    @Override
    int classesFor(ModelConfig model) {
        if (model.outputShape().length != 1 || model.outputShape()[0] != 1) {
            throw new ConfigException("network", java.util.Arrays.toString(model.outputShape()) + " outputs",
                    "one output unit: the regressor predicts one value per row from labelCol");
        }
        return 0;
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return SpindleRegressionModel.outputs(schema, getPredictionCol());
    }

    @Override
    SpindleRegressionModel newModel(String uid, SavedModel saved, History history) {
        return new SpindleRegressionModel(uid, saved, history);
    }

    public static MLReader<SpindleRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static SpindleRegressor load(String path) {
        return read().load(path);
    }
}
