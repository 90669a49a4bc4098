package io.spindle.driver.ml;

import io.spindle.core.io.SavedModel;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.train.History;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML Estimator that trains a Spindle network as a classifier (softmax cross-entropy over
 * the last layer's units; labels are class indices 0..K-1) on a DataFrame, data-parallel on Spark.
 * <pre>{@code
 * SpindleClassifier clf = new SpindleClassifier().setNetwork(modelJson).setEpochs(5).setBatchSize(128).setWorkers(2);
 * SpindleClassificationModel model = clf.fit(train);   // adds rawPrediction, probability, prediction
 * }</pre>
 */
public final class SpindleClassifier extends SpindleEstimator<SpindleClassificationModel, SpindleClassifier> {
    private static final long serialVersionUID = 1L;
    private final Param<String> probabilityCol, rawPredictionCol;

    public SpindleClassifier() {
        this(Identifiable.randomUID("spindleClassifier"));
    }

    public SpindleClassifier(String uid) {
        super(uid);
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column to add (a Vector)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw scores (logits) column to add (a Vector)");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }

    public SpindleClassifier setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public SpindleClassifier setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    @Override
    String lossName() {
        return "softmax_cross_entropy";
    }

    @Override
    int classesFor(ModelConfig model) {
        return (int) model.outputShape()[0];
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return SpindleClassificationModel.outputs(schema, getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
    }

    @Override
    SpindleClassificationModel newModel(String uid, SavedModel saved, History history) {
        return new SpindleClassificationModel(uid, saved, history);
    }

    public static MLReader<SpindleClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static SpindleClassifier load(String path) {
        return read().load(path);
    }
}
