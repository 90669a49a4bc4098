package io.spindle.driver.ml;

import io.spindle.core.config.ConfigException;
import io.spindle.core.io.SavedModel;
import io.spindle.driver.data.FeatureColumns;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link SpindleClassifier}, a Spark {@code ProbabilisticClassificationModel}: adds rawPrediction
 * (logits), probability (softmax) and prediction (the class index, after {@code thresholds} when set);
 * a column whose name is set to "" is not added. {@code transform} predicts in batches on the executors.
 */
public final class SpindleClassificationModel extends ProbabilisticClassificationModel<Vector, SpindleClassificationModel>
        implements SpindleModel {
    private static final long serialVersionUID = 1L;
    private String uid;
    private final TrainingParams params;
    private final transient FittedNetwork fitted;
    private final StringArrayParam classNames;

    SpindleClassificationModel(String uid, SavedModel saved, TrainingSummary summary) {
        this(PendingUid.of(uid), saved, summary);
    }

    private SpindleClassificationModel(PendingUid pending, SavedModel saved, TrainingSummary summary) {
        this.uid = pending.take();
        this.params = new TrainingParams(this);
        this.fitted = new FittedNetwork(saved, summary);
        this.classNames = new StringArrayParam(this, "classNames", "what the classes 0..K-1 are called: the labels of the label column's"
                + " metadata at fit (a StringIndexer's), also put on the prediction column for IndexToString");
    }

    public StringArrayParam classNames() {
        return classNames;
    }

    /** The class names the label column's metadata gave at fit (a StringIndexer's labels), or null. */
    public String[] getClassNames() {
        return isDefined(classNames) ? getOrDefault(classNames) : null;
    }

    SpindleClassificationModel setClassNames(String[] names) {
        set(classNames, names);
        return this;
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

    /** The number of classes: the last layer's units. */
    @Override
    public int numClasses() {
        return fitted.numOutputs();
    }

    @Override
    public int numFeatures() {
        return fitted.numFeatures();
    }

    /** The logits of one row, computed on the driver. */
    @Override
    public Vector predictRaw(Vector features) {
        return Vectors.dense(fitted.forward(features));
    }

    /** Softmax in place, shifted by the largest logit so that no exponential overflows. */
    @Override
    public Vector raw2probabilityInPlace(Vector raw) {
        double[] v = ((DenseVector) raw).values();
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double x : v) max = Math.max(max, x);
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.exp(v[k] - max);
            sum += v[k];
        }
        for (int k = 0; k < v.length; k++) v[k] /= sum;
        return raw;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureSource.check(this, getFeaturesCol(), schema);
        return outputs(schema, getRawPredictionCol(), getProbabilityCol(), getPredictionCol(), getClassNames());
    }

    /** {@code schema} with the classifier's output columns; an empty name adds nothing; {@code names} (may be null) label the prediction. */
    static StructType outputs(StructType schema, String raw, String probability, String prediction, String[] names) {
        StructType out = schema;
        if (!raw.isEmpty()) out = add(out, "rawPredictionCol", raw, SQLDataTypes.VectorType());
        if (!probability.isEmpty()) out = add(out, "probabilityCol", probability, SQLDataTypes.VectorType());
        if (!prediction.isEmpty()) {
            out = add(out, "predictionCol", prediction, DataTypes.DoubleType);
            if (names != null) {
                // As a StringIndexer labels its output: IndexToString turns the prediction back into names without being told them.
                Metadata meta = NominalAttribute.defaultAttr().withName(prediction).withValues(names).toMetadata();
                StructField[] fields = out.fields();
                fields[fields.length - 1] = new StructField(prediction, DataTypes.DoubleType, false, meta);
                out = new StructType(fields);
            }
        }
        return out;
    }

    static StructType add(StructType schema, String param, String column, org.apache.spark.sql.types.DataType type) {
        FeatureColumns.checkAbsent(schema, param, column);
        return schema.add(column, type, false);
    }

    /** The labels a StringIndexer (or any nominal attribute) put on the label column, or null. */
    static String[] labelNames(StructType schema, String labelCol) {
        Attribute a = Attribute.fromStructField(schema.apply(labelCol));
        return a instanceof NominalAttribute n && n.values().isDefined() ? n.values().get() : null;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        if (out.length() == dataset.schema().length()) return dataset.toDF();   // every output switched off, as Spark does
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        if (thresholds != null && thresholds.length != numClasses()) {
            throw new ConfigException("thresholds", java.util.Arrays.toString(thresholds), "one threshold per class: " + numClasses());
        }
        Dataset<Row> predicted = fitted.transform(dataset, FeatureSource.of(this, getFeaturesCol(), savedModel().model()), new PartitionPredictor.Outputs(true, !getRawPredictionCol().isEmpty(),
                !getProbabilityCol().isEmpty(), !getPredictionCol().isEmpty(), thresholds), out);
        // mapPartitions keeps the types but not the metadata, where the class names travel.
        return getPredictionCol().isEmpty() ? predicted : predicted.withMetadata(getPredictionCol(), out.apply(getPredictionCol()).metadata());
    }

    /** Spark's, restated: javac sees two inherited signatures where Scala's covariant override made one (hence the raw type). */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public SpindleClassificationModel copy(ParamMap extra) {
        return copyValues(new SpindleClassificationModel(uid(), savedModel(), fitted.summary()), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new SpindleModelWriter(this, fitted.summary());
    }

    public static MLReader<SpindleClassificationModel> read() {
        return new SpindleModelWriter.Reader<>(SpindleClassificationModel.class, SpindleClassificationModel::new);
    }

    public static SpindleClassificationModel load(String path) {
        return read().load(path);
    }
}
