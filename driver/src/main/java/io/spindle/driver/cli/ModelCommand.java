package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.io.ModelFile;
import io.spindle.core.nn.Buffers;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.SparkRows;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.run.Storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.io.InputStream;
import java.util.List;

/**
 * What {@code evaluate} and {@code predict} share: reading a saved model (a file or a run directory) and
 * the data options {@code --data --labels --format --label-column --features-column --no-header --master}:
 * every format {@code train} reads, through the same loaders (Spark's readers for Parquet, JSON lines and LibSVM).
 */
abstract class ModelCommand {
    static final List<String> DATA_OPTIONS = List.of("data", "labels", "format", "label-column", "features-column", "master", "class-names");
    protected final Storage storage;

    ModelCommand(Storage storage) {
        this.storage = storage;
    }

    /** A run directory means its {@code model.spindle}. */
    Sequential loadModel(String path) throws IOException {
        String file = modelFile(path);
        if (!storage.exists(file)) throw new ConfigException("model", file + " does not exist");
        try (InputStream in = storage.open(file)) {
            return Sequential.fromSaved(ModelFile.read(in, file));
        }
    }

    private String modelFile(String path) throws IOException {
        return path.endsWith(".spindle") || !storage.exists(Storage.join(path, "model.spindle")) ? path : Storage.join(path, "model.spindle");
    }

    /**
     * What the classes are called: {@code --class-names a,b,c}, else data.class_names of the job.json in the model's run
     * directory; null when neither names them (or the model is a regressor).
     */
    List<String> classNames(Args args, String modelPath, Sequential model) throws IOException {
        if (!model.loss().classification()) return null;
        long classes = model.network().config().outputShape()[0];
        List<String> names = null;
        if (args.option("class-names") != null) {
            names = List.of(args.option("class-names").split(","));
        } else {
            String file = modelFile(modelPath);
            String job = Storage.join(file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : ".", "job.json");
            if (storage.exists(job)) {
                try (InputStream in = storage.open(job)) {
                    JsonNode names0 = new ObjectMapper().readTree(in).path("data").path("class_names");
                    if (names0.isArray() && !names0.isEmpty()) names = new ArrayList<>();
                    for (JsonNode n : names0) names.add(n.asText());
                }
            }
        }
        if (names != null && names.size() != classes) {
            throw new ConfigException("--class-names", String.join(",", names), "one name per class: the model has " + classes);
        }
        return names;
    }

    DataConfig dataConfig(Args args, String verb, Sequential model) {
        String data = args.option("data");
        if (data == null) throw new ConfigException(verb + " --data", "is required: a data file of a format train reads " + DataConfig.FORMATS);
        String format = args.option("format") != null ? args.option("format") : DataConfig.formatOf(data);
        if (!DataConfig.FORMATS.contains(format)) throw new ConfigException(verb + " --format", format, "one of " + DataConfig.FORMATS);
        // The model's loss already says whether labels are classes or targets.
        String task = model.loss().classification() ? "classification" : "regression";
        if (format.equals("csv") && args.option("label-column") == null) {
            throw new ConfigException(verb + " --label-column", "is required for CSV data: a column name, a 0-based index, or last");
        }
        DataConfig local = new DataConfig(format, data, args.option("labels"), null, null, args.option("label-column"), !args.flag("no-header"), task);
        if (!local.viaSpark()) {
            if (args.option("features-column") != null) {
                throw new ConfigException(verb + " --features-column", "only for parquet, json and libsvm data; " + format + " rows are all features but the label");
            }
            return local;
        }
        List<String> features = args.option("features-column") == null ? List.of("features") : List.of(args.option("features-column").split(","));
        String label = args.option("label-column") == null ? "label" : args.option("label-column");
        return new DataConfig(format, data, null, null, null, label, true, task, features, null, null, 0, List.of());
    }

    /** The rows, read as train reads them; Spark's formats in the session spark-submit configured, else a local one for this command. */
    Dataset load(DataConfig cfg, Sequential model, String master) throws IOException {
        DataLoader loader = new DataLoader(storage);
        loader.checkExists(cfg);
        if (!cfg.viaSpark()) return loader.train(cfg);
        long[] shape = model.network().config().inputShape();
        long width = Buffers.product(shape);
        int classes = model.loss().classification() ? (int) model.network().config().outputShape()[0] : 0;
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.getOrCreate("spindle", master, 1);
        try {
            org.apache.spark.sql.Dataset<Row> rows = SparkRows.read(spark, cfg, cfg.train(), "--data", width);
            DataFrameShards.check(rows, "--features-column", SparkRows.describe(cfg), "--label-column", cfg.labelColumn(), width, classes);
            return SparkRows.collect(rows, shape, classes);
        } finally {
            if (ownSession) spark.stop();
        }
    }
}
