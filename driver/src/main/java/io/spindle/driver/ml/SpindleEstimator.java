package io.spindle.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.io.SavedModel;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.nn.Buffers;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.driver.data.FeatureColumns;
import io.spindle.driver.job.CheckpointConfig;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.job.DistributedConfig;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.spark.SparkLineCheck;
import io.spindle.driver.spark.DistributedTrainer;
import io.spindle.driver.run.TrainedModel;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.apache.spark.sql.functions.col;

/**
 * What {@link SpindleClassifier} and {@link SpindleRegressor} share: Spark ML Params for the
 * columns, the network (job-file JSON or a {@link Sequential}), the optimizer and the training
 * settings, all validated before any work; and {@code fit}, which checks every row in one pass and
 * trains on the barrier-stage trainer, {@code workers} data-parallel tasks all-reducing every step.
 */
public abstract class SpindleEstimator<M extends SpindleModel<M>, E extends SpindleEstimator<M, E>> extends Estimator<M>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String uid;
    private final Param<String> featuresCol, labelCol, predictionCol, network, optimizer;
    private final DoubleParam learningRate;
    private final IntParam epochs, batchSize, workers;
    private final LongParam seed;

    protected SpindleEstimator(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column: a Vector or an array of numbers, one row per sample");
        labelCol = new Param<>(this, "labelCol", "label column, numeric");
        predictionCol = new Param<>(this, "predictionCol", "prediction column to add");
        network = new Param<>(this, "network", "the network as JSON: a job file's model section {\"input_shape\": [...], \"layers\": [...]} or a whole job file");
        optimizer = new Param<>(this, "optimizer", "the optimizer as JSON, as a job file's optimizer section, e.g. {\"type\": \"adam\"}");
        learningRate = new DoubleParam(this, "learningRate", "learning rate (> 0); overrides the optimizer's when set", ParamValidators.gt(0));
        epochs = new IntParam(this, "epochs", "passes over the rows (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "global batch size (>= 1), a multiple of workers", ParamValidators.gtEq(1));
        workers = new IntParam(this, "workers", "data-parallel workers: tasks of one Spark barrier stage (>= 1)", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of the initial weights, dropout and data order");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(optimizer, "{\"type\": \"adam\"}");
        setDefault(epochs, 5);
        setDefault(batchSize, 32);
        setDefault(workers, 1);
        setDefault(seed, 42L);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> network() { return network; }
    public Param<String> optimizer() { return optimizer; }
    public DoubleParam learningRate() { return learningRate; }
    public IntParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public IntParam workers() { return workers; }
    public LongParam seed() { return seed; }

    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getLabelCol() { return getOrDefault(labelCol); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    public String getNetwork() { return isDefined(network) ? getOrDefault(network) : null; }
    public String getOptimizer() { return getOrDefault(optimizer); }
    public double getLearningRate() { return (Double) getOrDefault(learningRate); }
    public int getEpochs() { return (Integer) getOrDefault(epochs); }
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
    public int getWorkers() { return (Integer) getOrDefault(workers); }
    public long getSeed() { return (Long) getOrDefault(seed); }

    public E setFeaturesCol(String v) { return put(featuresCol, v); }
    public E setLabelCol(String v) { return put(labelCol, v); }
    public E setPredictionCol(String v) { return put(predictionCol, v); }
    public E setNetwork(String json) { return put(network, json); }
    public E setNetwork(ModelConfig model) { return put(network, model.toJson().toString()); }
    public E setOptimizer(String json) { return put(optimizer, json); }
    public E setOptimizer(OptimizerConfig config) { return put(optimizer, config.toJson().toString()); }
    public E setLearningRate(double v) { return put(learningRate, v); }
    public E setEpochs(int v) { return put(epochs, v); }
    public E setBatchSize(int v) { return put(batchSize, v); }
    public E setWorkers(int v) { return put(workers, v); }
    public E setSeed(long v) { return put(seed, v); }

    /** Network, optimizer and seed from a model built with {@link Sequential#builder}; its loss must be this estimator's. */
    public E setModel(Sequential model) {
        if (!model.loss().name().equals(lossName())) {
            throw new ConfigException("model.loss", model.loss().name(), lossName() + ": the loss " + getClass().getSimpleName() + " trains with");
        }
        setNetwork(model.network().config());
        setOptimizer(model.optimizerConfig());
        return setSeed(model.seed());
    }

    @SuppressWarnings("unchecked")
    private <T> E put(Param<T> p, T value) {
        // Spark's own check would say only "given invalid value"; ours names the allowed range too.
        if (!(Boolean) p.isValid().apply(value)) throw new ConfigException(p.name(), value, p.doc());
        set(p, value);
        return (E) this;
    }

    /** The loss this estimator trains with. */
    abstract String lossName();

    /** The fitted model over {@code saved}'s parameters; the caller copies the column params onto it. */
    abstract M newModel(String uid, SavedModel saved, History history);

    /** Output columns this estimator's model adds, checked and appended by {@link #transformSchema}. */
    abstract StructType appendOutputs(StructType schema);

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumns.checkFeatures(schema, "featuresCol", getFeaturesCol());
        FeatureColumns.checkNumeric(schema, "labelCol", getLabelCol());
        return appendOutputs(schema);
    }

    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The job this estimator's params describe; every error names the param. */
    JobConfig job() {
        if (getNetwork() == null) throw new ConfigException("network", "is required: the model section of a job file as JSON, or setModel(Sequential)");
        ModelConfig model = ModelConfig.fromJson(new ConfigNode(modelSection(parse("network", getNetwork())), "network"));
        OptimizerConfig opt = OptimizerConfig.fromJson(new ConfigNode(parse("optimizer", getOptimizer()), "optimizer"));
        if (isDefined(learningRate)) opt = opt.withLearningRate(getLearningRate());
        if (getBatchSize() % getWorkers() != 0) {
            throw new ConfigException("batchSize", getBatchSize(), "a multiple of workers (" + getWorkers() + "): each worker takes batchSize / workers rows per step");
        }
        Loss loss = Loss.parse("loss", lossName());
        String task = loss.classification() ? "classification" : "regression";
        return new JobConfig(getClass().getSimpleName(), new DataConfig("dataframe", "DataFrame", null, null, null, null, false, task),
                model, loss, opt, new TrainingConfig(getEpochs(), getBatchSize(), getSeed(), true, null),
                DistributedConfig.defaults(getWorkers()), CheckpointConfig.DEFAULTS, null);
    }

    /** Units of the last layer the labels must fit: classes for a classifier, targets for a regressor. */
    abstract int classesFor(ModelConfig model);

    @Override
    public M fit(Dataset<?> dataset) {
        // A jar of another Spark/Scala line (a wrong --packages coordinate) fails here with both lines named.
        SparkLineCheck.require();
        transformSchema(dataset.schema());
        JobConfig job = job();
        SparkSession spark = dataset.sparkSession();
        String serializer = spark.sparkContext().getConf().get("spark.serializer", "");
        if (!serializer.endsWith("KryoSerializer")) {
            throw new IllegalStateException("Spindle needs Kryo: start Spark with --conf spark.serializer=org.apache.spark.serializer.KryoSerializer"
                    + " --conf spark.kryo.registrator=io.spindle.driver.spark.SpindleKryoRegistrator (spark.serializer is \"" + serializer + "\")");
        }
        Dataset<Row> rows = dataset.select(FeatureColumns.asFloatArray(dataset.schema(), getFeaturesCol()).as("f"),
                col(getLabelCol()).cast("double").as("y"));
        long[] inputShape = job.model().inputShape();
        int classes = classesFor(job.model());
        DataFrameShards.Stats stats = DataFrameShards.check(rows, "featuresCol", getFeaturesCol(), "labelCol", getLabelCol(), Buffers.product(inputShape), classes);
        if (stats.rows() > Integer.MAX_VALUE) throw new ConfigException("dataset", stats.rows() + " rows", "at most " + Integer.MAX_VALUE);
        DistributedTrainer.Outcome outcome;
        try {
            outcome = new DistributedTrainer(spark).trainShards(job, DataFrameShards.pack(rows, getWorkers(), inputShape, classes),
                    (int) stats.rows(), null, TrainingListener.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SavedModel saved = TrainedModel.of(job, outcome.params(), outcome.optimizerState(), outcome.iteration(),
                stats.fingerprint(), outcome.history().epochs().size());
        M model = copyValues(newModel(uid, saved, outcome.history()), ParamMap.empty());
        model.setParent(this);
        return model;
    }

    private static JsonNode parse(String param, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) throw new ConfigException(param, "must be one JSON object");
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(param, "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A whole job file names its network under "model". */
    private static JsonNode modelSection(JsonNode n) {
        return n.has("model") && !n.has("layers") ? n.get("model") : n;
    }
}
