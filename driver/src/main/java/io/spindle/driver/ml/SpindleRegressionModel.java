package io.spindle.driver.ml;

import io.spindle.driver.data.FeatureColumns;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.History;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted {@link SpindleRegressor}: adds prediction, the network's one output. */
public final class SpindleRegressionModel extends SpindleModel<SpindleRegressionModel> {
    private static final long serialVersionUID = 1L;

    SpindleRegressionModel(String uid, SavedModel saved, History history) {
        super(uid, saved, history);
    }

    static StructType outputs(StructType schema, String prediction) {
        FeatureColumns.checkAbsent(schema, "predictionCol", prediction);
        return schema.add(prediction, DataTypes.DoubleType, false);
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return outputs(schema, getPredictionCol());
    }

    @Override
    boolean classification() {
        return false;
    }

    @Override
    public SpindleRegressionModel copy(ParamMap extra) {
        return copyValues(new SpindleRegressionModel(uid(), savedModel(), history()), extra).setParent(parent());
    }

    public static MLReader<SpindleRegressionModel> read() {
        return new SpindleModelWriter.Reader<>(SpindleRegressionModel.class, SpindleRegressionModel::new);
    }

    public static SpindleRegressionModel load(String path) {
        return read().load(path);
    }
}
