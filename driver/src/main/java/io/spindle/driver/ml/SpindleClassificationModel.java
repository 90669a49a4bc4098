package io.spindle.driver.ml;

import io.spindle.driver.data.FeatureColumns;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.History;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted {@link SpindleClassifier}: adds rawPrediction (logits), probability (softmax) and prediction (the class index). */
public final class SpindleClassificationModel extends SpindleModel<SpindleClassificationModel> {
    private static final long serialVersionUID = 1L;
    private final Param<String> probabilityCol, rawPredictionCol;

    SpindleClassificationModel(String uid, SavedModel saved, History history) {
        super(uid, saved, history);
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column to add (a Vector)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw scores (logits) column to add (a Vector)");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }

    public SpindleClassificationModel setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public SpindleClassificationModel setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    /** The number of classes: the last layer's units. */
    public int numClasses() {
        return (int) savedModel().model().outputShape()[0];
    }

    static StructType outputs(StructType schema, String raw, String probability, String prediction) {
        FeatureColumns.checkAbsent(schema, "rawPredictionCol", raw);
        FeatureColumns.checkAbsent(schema, "probabilityCol", probability);
        FeatureColumns.checkAbsent(schema, "predictionCol", prediction);
        return schema.add(raw, SQLDataTypes.VectorType(), false).add(probability, SQLDataTypes.VectorType(), false)
                .add(prediction, DataTypes.DoubleType, false);
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return outputs(schema, getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
    }

    @Override
    boolean classification() {
        return true;
    }

    @Override
    public SpindleClassificationModel copy(ParamMap extra) {
        return copyValues(new SpindleClassificationModel(uid(), savedModel(), history()), extra).setParent(parent());
    }

    public static MLReader<SpindleClassificationModel> read() {
        return new SpindleModelWriter.Reader<>(SpindleClassificationModel.class, SpindleClassificationModel::new);
    }

    public static SpindleClassificationModel load(String path) {
        return read().load(path);
    }
}
