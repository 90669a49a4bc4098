package io.spindle.driver.ml;

import io.spindle.driver.data.FeatureColumns;
import io.spindle.core.Sequential;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.History;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What the fitted {@link SpindleClassificationModel} and {@link SpindleRegressionModel} share: the
 * trained network (kept as the Spindle model file's contents), the features and prediction
 * columns, batched prediction on the executors, and persistence as Spark ML metadata plus
 * {@code model.spindle} (never Java serialization).
 */
public abstract class SpindleModel<M extends SpindleModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final transient SavedModel saved;
    private final transient History history;
    private final Param<String> featuresCol, predictionCol;

    protected SpindleModel(String uid, SavedModel saved, History history) {
        this.uid = uid;
        this.saved = saved;
        this.history = history;
        featuresCol = new Param<>(this, "featuresCol", "features column: a Vector or an array of numbers, one row per sample");
        predictionCol = new Param<>(this, "predictionCol", "prediction column to add");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }

    @SuppressWarnings("unchecked")
    public M setFeaturesCol(String v) {
        set(featuresCol, v);
        return (M) this;
    }

    @SuppressWarnings("unchecked")
    public M setPredictionCol(String v) {
        set(predictionCol, v);
        return (M) this;
    }

    /** The trained model's file contents: configuration, parameters, optimizer state, provenance. */
    public SavedModel savedModel() {
        return saved;
    }

    /** The trained network as a {@link Sequential}, for prediction or further training in one process. */
    public Sequential toSequential() {
        return Sequential.fromSaved(saved);
    }

    /** Per-epoch training figures of the fit (loss, accuracy, samples/s), or null when the saved model had none. */
    public History history() {
        return history;
    }

    /** The output columns this model adds, after {@link #transformSchema} checked the input. */
    abstract StructType appendOutputs(StructType schema);

    /** Whether rows get class scores (rawPrediction, probability, prediction) or a predicted value. */
    abstract boolean classification();

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumns.checkFeatures(schema, "featuresCol", getFeaturesCol());
        return appendOutputs(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Broadcast<float[]> params = dataset.sparkSession().sparkContext().broadcast(saved.params().toFloatVector(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        int featuresIndex = dataset.schema().fieldIndex(getFeaturesCol());
        PartitionPredictor predictor = new PartitionPredictor(saved.model().toJson().toString(), saved.loss(), params,
                featuresIndex, classification());
        return dataset.toDF().mapPartitions(predictor, Encoders.row(out));
    }

    @Override
    public MLWriter write() {
        return new SpindleModelWriter(this);
    }
}
