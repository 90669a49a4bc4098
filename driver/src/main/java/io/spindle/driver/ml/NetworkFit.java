package io.spindle.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.io.SavedModel;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.LossPairing;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.nn.Buffers;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.EarlyStopping;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.driver.data.FeatureColumns;
import io.spindle.driver.data.SparkRows;
import io.spindle.driver.data.WeightColumn;
import io.spindle.driver.job.CheckpointConfig;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.job.DistributedConfig;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.run.TrainedModel;
import io.spindle.driver.spark.DistributedTrainer;
import io.spindle.driver.spark.HeldOutRows;
import io.spindle.driver.spark.SparkLineCheck;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The fit both estimators share: the job their params describe (every error names the param), the
 * checks of the input columns, the split into training and validation rows by
 * {@code validationIndicatorCol}, and the barrier-stage training with its epoch lines and summary.
 */
final class NetworkFit {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The trained network and what the fit did. */
    record Result(SavedModel saved, TrainingSummary summary) {
    }

    private NetworkFit() {
    }

    static boolean classifier(SpindleParams p) {
        return !(p instanceof SpindleRegressor || p instanceof SpindleRegressionModel);
    }

    static String lossName(SpindleParams p) {
        return classifier(p) ? "softmax_cross_entropy" : "mse";
    }

    /** The estimator's loss: softmax cross-entropy with the labelSmoothing param for a classifier, MSE for a regressor. */
    private static Loss loss(SpindleParams p) {
        if (classifier(p)) return Loss.softmaxCrossEntropy(p.getLabelSmoothing());
        if (p.getLabelSmoothing() != 0) {
            throw new ConfigException("labelSmoothing", p.getLabelSmoothing(), "0: a regressor has no classes to smooth");
        }
        return Loss.parse("loss", lossName(p));
    }

    /** The estimator's input columns: features, a numeric label, numeric weights and a boolean validation indicator when set. */
    static void checkInputs(StructType schema, SpindleParams p, String featuresCol, String labelCol) {
        FeatureSource.check(p, featuresCol, schema);
        FeatureColumns.checkNumeric(schema, "labelCol", labelCol);
        if (p.getWeightCol() != null) FeatureColumns.checkNumeric(schema, "weightCol", p.getWeightCol());
        String indicator = p.getValidationIndicatorCol();
        if (indicator != null && !(FeatureColumns.require(schema, "validationIndicatorCol", indicator).dataType() instanceof BooleanType)) {
            throw new ConfigException("validationIndicatorCol", indicator, "a boolean column (true: a validation row); \"" + indicator + "\" is "
                    + schema.apply(indicator).dataType().simpleString());
        }
    }

    /** The job the params describe. */
    static JobConfig job(SpindleParams p) {
        if (p.getNetwork() == null) throw new ConfigException("network", "is required: the model section of a job file as JSON, or setModel(Sequential)");
        ModelConfig model = ModelConfig.fromJson(new ConfigNode(modelSection(parse("network", p.getNetwork())), "network"));
        OptimizerConfig opt = OptimizerConfig.fromJson(new ConfigNode(parse("optimizer", p.getOptimizer()), "optimizer"));
        if (p.isDefined(p.learningRate())) opt = opt.withLearningRate(p.getLearningRate());
        if (p.getBatchSize() % p.getWorkers() != 0) {
            throw new ConfigException("batchSize", p.getBatchSize(), "a multiple of workers (" + p.getWorkers() + "): each worker takes batchSize / workers rows per step");
        }
        Loss loss = loss(p);
        LossPairing.check(model, loss);
        String task = loss.classification() ? "classification" : "regression";
        return new JobConfig(p.getClass().getSimpleName(), new DataConfig("dataframe", "DataFrame", null, null, null, null, false, task),
                model, loss, opt, new TrainingConfig(p.getEpochs(), p.getBatchSize(), p.getSeed(), true, earlyStopping(p, loss)),
                DistributedConfig.defaults(p.getWorkers()), CheckpointConfig.DEFAULTS, null);
    }

    private static EarlyStopping earlyStopping(SpindleParams p, Loss loss) {
        int patience = p.getEarlyStoppingPatience();
        if (patience == 0) return null;
        if (p.getValidationIndicatorCol() == null) {
            throw new ConfigException("earlyStoppingPatience", patience, "0 (off) without validation rows: early stopping watches them;"
                    + " add a boolean column marking them and setValidationIndicatorCol(its name)");
        }
        if (!loss.classification() && p.getEarlyStoppingMonitor().equals("val_accuracy")) {
            throw new ConfigException("earlyStoppingMonitor", "val_accuracy", "val_loss: a regressor has no accuracy");
        }
        return new EarlyStopping(p.getEarlyStoppingMonitor(), patience, 0.0, true);
    }

    /** Units of the last layer the labels must fit: classes for a classifier, none (0) for a regressor of one output. */
    static int classes(SpindleParams p, ModelConfig model) {
        if (classifier(p)) return (int) model.outputShape()[0];
        if (model.outputShape().length != 1 || model.outputShape()[0] != 1) {
            throw new ConfigException("network", java.util.Arrays.toString(model.outputShape()) + " outputs",
                    "one output unit: the regressor predicts one value per row from labelCol");
        }
        return 0;
    }

    /** A warning when Spark is not on Kryo (fit works either way; Java serialization moves the shards and weights more slowly), else null. */
    static String kryoWarning(SparkConf conf) {
        String serializer = conf.get("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        if (serializer.endsWith("KryoSerializer")) return null;
        return "spindle: warning: spark.serializer is " + serializer + "; fit works, but caches the shards and returns the weights"
                + " more slowly than with Kryo: start Spark with --conf spark.serializer=org.apache.spark.serializer.KryoSerializer"
                + " --conf spark.kryo.registrator=io.spindle.driver.spark.SpindleKryoRegistrator";
    }

    /** Trains on {@code dataset}; epoch lines (when verbose) and warnings go to the caller's console, which Zeppelin shows as the paragraph runs. */
    static Result fit(SpindleParams p, Dataset<?> dataset, String featuresCol, String labelCol) {
        // A jar of another Spark/Scala line (a wrong --packages coordinate) fails here with both lines named.
        SparkLineCheck.require();
        long start = System.nanoTime();
        JobConfig job = job(p);
        int classes = classes(p, job.model());
        long[] shape = job.model().inputShape();
        FeatureSource features = FeatureSource.of(p, featuresCol, job.model());
        PrintStream console = scala.Console.out();
        String warning = kryoWarning(dataset.sparkSession().sparkContext().getConf());
        if (warning != null) console.println(warning);
        Dataset<Row> all = dataset.toDF();
        String indicator = p.getValidationIndicatorCol();
        Dataset<Row> train = all;
        HeldOutRows validation = null;
        if (indicator != null) {
            checkIndicator(all, indicator);
            train = all.filter(col(indicator).equalTo(false));
            Dataset<Row> rows = rows(all.filter(col(indicator)), features, labelCol, null);
            DataFrameShards.Stats held = DataFrameShards.check(rows, features.param(), features.describe(), "labelCol", labelCol,
                    Buffers.product(shape), classes);
            // The validation rows stay on the executors: each worker validates its part after every epoch.
            validation = HeldOutRows.of(rows, held.rows(), shape, classes, job.training().seed());
        }
        Dataset<Row> rows = rows(train, features, labelCol, p.getWeightCol());
        DataFrameShards.Stats stats = DataFrameShards.check(rows, features.param(), features.describe(), "labelCol", labelCol,
                Buffers.product(shape), classes);
        if (p.getWeightCol() != null) WeightColumn.check(rows, "weightCol", p.getWeightCol());
        if (stats.rows() > Integer.MAX_VALUE) throw new ConfigException("dataset", stats.rows() + " rows", "at most " + Integer.MAX_VALUE);
        TrainingListener listener = p.getVerbose() ? new EpochLines(console) : TrainingListener.NONE;
        DistributedTrainer.Outcome outcome;
        try {
            outcome = new DistributedTrainer(dataset.sparkSession()).trainFrame(job, rows, stats.rows(), stats.fingerprint(), validation, listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SavedModel saved = TrainedModel.of(job, outcome.params(), outcome.optimizerState(), outcome.iteration(),
                stats.fingerprint(), outcome.history().epochs().size());
        TrainingSummary summary = new TrainingSummary(outcome.history(), (System.nanoTime() - start) / 1e9, stats.rows(),
                validation == null ? 0 : validation.rows(), indicator == null ? null : "validationIndicatorCol \"" + indicator + "\"");
        return new Result(saved, summary);
    }

    /** The checked-row form (f, y) of {@code df}, with the weights as w when {@code weightCol} is not null. */
    private static Dataset<Row> rows(Dataset<Row> df, FeatureSource features, String labelCol, String weightCol) {
        org.apache.spark.sql.Column f = features.column(df.schema()).as("f"), y = col(labelCol).cast("double").as("y");
        return weightCol == null ? df.select(f, y) : df.select(f, y, WeightColumn.select(df.schema(), "weightCol", weightCol));
    }

    /** Both sides of the split need rows, and no row may leave its side unsaid. */
    private static void checkIndicator(Dataset<Row> all, String indicator) {
        Row s = all.agg(count(lit(1)), sum(when(col(indicator), 1).otherwise(0)), sum(when(col(indicator).isNull(), 1).otherwise(0))).first();
        long n = s.getLong(0), marked = s.isNullAt(1) ? 0 : s.getLong(1), nulls = s.isNullAt(2) ? 0 : s.getLong(2);
        if (nulls > 0) throw new ConfigException("validationIndicatorCol", indicator, "a column without nulls; " + nulls + " rows are null");
        if (marked == 0 || marked == n - nulls) {
            throw new ConfigException("validationIndicatorCol", indicator, "a column true on some rows (validation) and false on the rest (training); it is "
                    + (marked == 0 ? "false" : "true") + " on all " + n);
        }
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
