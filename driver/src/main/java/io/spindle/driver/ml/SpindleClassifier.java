package io.spindle.driver.ml;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark {@code ProbabilisticClassifier} that trains a Spindle network (softmax cross-entropy over
 * the last layer's units; labels are class indices 0..K-1) on a DataFrame, data-parallel on Spark.
 * <pre>{@code
 * SpindleClassifier clf = new SpindleClassifier().setNetwork(modelJson).setEpochs(5).setBatchSize(128).setWorkers(2);
 * SpindleClassificationModel model = clf.fit(train);   // adds rawPrediction, probability, prediction
 * }</pre>
 */
public final class SpindleClassifier extends ProbabilisticClassifier<Vector, SpindleClassifier, SpindleClassificationModel>
        implements TrainingSetters<SpindleClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final TrainingParams params;

    public SpindleClassifier() {
        this(Identifiable.randomUID("spindleClassifier"));
    }

    public SpindleClassifier(String uid) {
        this(PendingUid.of(uid));
    }

    private SpindleClassifier(PendingUid pending) {
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
        return SpindleClassificationModel.outputs(schema, getRawPredictionCol(), getProbabilityCol(), getPredictionCol(),
                SpindleClassificationModel.labelNames(schema, getLabelCol()));
    }

    @Override
    public SpindleClassificationModel train(Dataset<?> dataset) {
        NetworkFit.Result fit = NetworkFit.fit(this, dataset, getFeaturesCol(), getLabelCol());
        SpindleClassificationModel model = new SpindleClassificationModel(uid(), fit.saved(), fit.summary());
        String[] names = SpindleClassificationModel.labelNames(dataset.schema(), getLabelCol());
        return names == null || names.length != model.numClasses() ? model : model.setClassNames(names);
    }

    @Override
    public SpindleClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SpindleClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static SpindleClassifier load(String path) {
        return read().load(path);
    }
}
