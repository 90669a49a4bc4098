package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Augmentation;
import io.spindle.core.data.store.Encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the rows come from. {@code train}/{@code test} are paths or Hadoop URIs; an IDX dataset is
 * named by its images file and its labels file is found beside it unless {@code train_labels} /
 * {@code test_labels} say otherwise. CSV needs {@code label_column}. Parquet, JSON lines and LibSVM
 * are read through Spark's DataFrame readers: features from {@code features_column} (one Vector or
 * array column, or a list of numeric columns), labels from {@code label_column} (default {@code label}).
 * The rows validated after every epoch (and watched by early stopping) are {@code validation} (a path, read
 * as {@code train} is) or a seeded {@code validation_split} fraction of the training rows; {@code test} is
 * evaluated once, at the end. {@code augment} changes each training image as its batch is gathered ({@link Augmentation}).
 * {@code weight_column} (CSV, Parquet, JSON) holds per-row sample weights for training: the loss becomes the weighted
 * mean, Σ w·loss / Σ w over each global batch. {@code storage} is how a worker keeps its feature values (float32,
 * float16 or uint8; null: uint8 for IDX images, float32 otherwise) and {@code cache} where ({@link #CACHES}).
 */
public record DataConfig(String format, String train, String trainLabels, String test, String testLabels,
                         String labelColumn, boolean header, String task, List<String> featuresColumns,
                         String validation, String validationLabels, double validationSplit, List<String> classNames,
                         Augmentation augment, String weightColumn, String storage, String cache) {
    /** Formats whose rows have named columns, one of which can hold the sample weights. */
    public static final List<String> WEIGHTED_FORMATS = List.of("csv", "parquet", "json");
    public static final List<String> FORMATS = List.of("idx", "csv", "parquet", "json", "libsvm");
    /** Formats Spindle reads itself, without Spark. */
    public static final List<String> LOCAL_FORMATS = List.of("idx", "csv");
    public static final List<String> TASKS = List.of("classification", "regression");
    /** memory: the rows stay in the executor's memory; disk: spooled to its local disk and mapped; auto: disk when memory is short. */
    public static final List<String> CACHES = List.of("memory", "disk", "auto");

    public DataConfig {
        featuresColumns = List.copyOf(featuresColumns);
        classNames = List.copyOf(classNames);
        augment = augment == null ? Augmentation.NONE : augment;
        if (validationSplit != 0 && !(validationSplit > 0 && validationSplit < 1)) {
            throw new ConfigException("data.validation_split", validationSplit,
                    "a fraction strictly between 0 and 1: the share of data.train's rows held out for validation");
        }
        if (validation != null && validationSplit != 0) {
            throw new ConfigException("data.validation_split", validationSplit, "absent when data.validation names the validation rows: one or the other");
        }
        if (storage != null) Encoding.parse("data.storage", storage);
        if (cache == null) cache = "auto";
        if (!CACHES.contains(cache)) throw new ConfigException("data.cache", cache, "one of " + String.join(", ", CACHES));
    }

    /** No augmentation, no weight column (every row weighs 1), the default storage and cache. */
    public DataConfig(String format, String train, String trainLabels, String test, String testLabels,
                      String labelColumn, boolean header, String task, List<String> featuresColumns,
                      String validation, String validationLabels, double validationSplit, List<String> classNames) {
        this(format, train, trainLabels, test, testLabels, labelColumn, header, task, featuresColumns, validation, validationLabels,
                validationSplit, classNames, Augmentation.NONE, null, null, null);
    }

    public DataConfig(String format, String train, String trainLabels, String test, String testLabels,
                      String labelColumn, boolean header, String task) {
        this(format, train, trainLabels, test, testLabels, labelColumn, header, task, List.of("features"), null, null, 0, List.of());
    }

    /** How feature values are stored: data.storage, or uint8 for IDX images (bytes already) and float32 for the rest. */
    public Encoding storageEncoding() {
        return storage != null ? Encoding.parse("data.storage", storage) : format.equals("idx") ? Encoding.UINT8 : Encoding.FLOAT32;
    }

    /** This source with another storage and cache (the API's and tests' way to choose them). */
    public DataConfig withStorage(String storage, String cache) {
        return new DataConfig(format, train, trainLabels, test, testLabels, labelColumn, header, task, featuresColumns, validation,
                validationLabels, validationSplit, classNames, augment, weightColumn, storage, cache);
    }

    /** Whether rows are validated after every epoch: data.validation or data.validation_split is set. */
    public boolean hasValidation() {
        return validation != null || validationSplit > 0;
    }

    /** Where the validation rows come from, as summary.json and the report say it; null when there are none. */
    public String validationSource() {
        if (validation != null) return "data.validation " + validation;
        return validationSplit > 0 ? "data.validation_split " + validationSplit + " of data.train" : null;
    }

    /** Whether Spark's DataFrame readers load this format (the rest Spindle reads itself). */
    public boolean viaSpark() {
        return !LOCAL_FORMATS.contains(format);
    }

    public static DataConfig fromJson(ConfigNode c) {
        c.rejectUnknown("format", "train", "train_labels", "test", "test_labels", "validation", "validation_labels", "validation_split",
                "label_column", "header", "task", "features_column", "class_names", "augment", "weight_column", "storage", "cache");
        String train = c.requireString("train");
        String format = c.choice("format", formatOf(train), FORMATS);
        boolean spark = !LOCAL_FORMATS.contains(format);
        String labelColumn = c.string("label_column", spark ? "label" : null);
        if (format.equals("csv") && labelColumn == null) {
            throw new ConfigException(c.field("label_column"), "required for csv data: a column name (with header) or a 0-based index, or \"last\"");
        }
        if (!spark && c.has("features_column")) {
            throw new ConfigException(c.field("features_column"), "only for parquet, json and libsvm data; " + format + " rows are all features but the label");
        }
        return new DataConfig(format, train, c.string("train_labels", null), c.string("test", null),
                c.string("test_labels", null), labelColumn, c.bool("header", true), c.choice("task", "classification", TASKS),
                featuresColumns(c), c.string("validation", null), c.string("validation_labels", null), validationSplit(c),
                classNames(c), Augmentation.fromJson(c.object("augment")), weightColumn(c, format),
                c.has("storage") ? c.choice("storage", "float32", Encoding.CHOICES) : null, c.choice("cache", "auto", CACHES));
    }

    private static String weightColumn(ConfigNode c, String format) {
        String column = c.string("weight_column", null);
        if (column == null) return null;
        if (column.isBlank()) throw new ConfigException(c.field("weight_column"), column, "a column name (or, in csv, a 0-based index)");
        if (!WEIGHTED_FORMATS.contains(format)) {
            throw new ConfigException(c.field("weight_column"), "only for " + WEIGHTED_FORMATS + " data, whose rows have named columns; "
                    + format + " rows have none to hold a weight");
        }
        return column;
    }

    /** The format a path's extension suggests: {@code .csv}, {@code .parquet}, {@code .json}/{@code .jsonl}, {@code .libsvm}/{@code .svm}, else IDX. */
    public static String formatOf(String path) {
        String p = path.toLowerCase().replaceAll("/+$", "");
        if (p.matches(".*\\.csv(\\.gz)?$")) return "csv";
        if (p.endsWith(".parquet")) return "parquet";
        if (p.matches(".*\\.jsonl?(\\.gz)?$")) return "json";
        if (p.matches(".*\\.(libsvm|svm)(\\.gz)?$")) return "libsvm";
        return "idx";
    }

    private static double validationSplit(ConfigNode c) {
        JsonNode v = c.json().get("validation_split");
        if (v == null || v.isNull()) return 0;
        if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() < 1)) {
            throw new ConfigException(c.field("validation_split"), v.toString(),
                    "a fraction strictly between 0 and 1: the share of data.train's rows held out for validation");
        }
        return v.asDouble();
    }

    /** What the classes 0..K-1 are called, in the confusion matrix, the report and predict's output; empty when not given. */
    private static List<String> classNames(ConfigNode c) {
        JsonNode v = c.json().get("class_names");
        if (v == null || v.isNull()) return List.of();
        List<String> names = new ArrayList<>();
        if (v.isArray()) for (JsonNode n : v) if (n.isTextual() && !n.asText().isBlank()) names.add(n.asText());
        if (!v.isArray() || names.size() != v.size() || names.isEmpty() || new java.util.HashSet<>(names).size() != names.size()) {
            throw new ConfigException(c.field("class_names"), v.toString(), "a list of distinct non-empty names, one per class in index order");
        }
        return names;
    }

    private static List<String> featuresColumns(ConfigNode c) {
        JsonNode v = c.json().get("features_column");
        if (v == null || v.isNull()) return List.of("features");
        String allowed = "a column name (a Vector or array column) or a non-empty list of numeric column names";
        if (v.isTextual()) return List.of(v.asText());
        if (!v.isArray() || v.isEmpty()) throw new ConfigException(c.field("features_column"), v.toString(), allowed);
        List<String> names = new ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isTextual()) throw new ConfigException(c.field("features_column"), v.toString(), allowed);
            names.add(n.asText());
        }
        return names;
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("format", format).put("train", train);
        if (trainLabels != null) n.put("train_labels", trainLabels);
        if (test != null) n.put("test", test);
        if (testLabels != null) n.put("test_labels", testLabels);
        if (validation != null) n.put("validation", validation);
        if (validationLabels != null) n.put("validation_labels", validationLabels);
        if (validationSplit > 0) n.put("validation_split", validationSplit);
        if (!classNames.isEmpty()) {
            ArrayNode names = n.putArray("class_names");
            classNames.forEach(names::add);
        }
        if (labelColumn != null) n.put("label_column", labelColumn);
        if (weightColumn != null) n.put("weight_column", weightColumn);
        if (viaSpark()) {
            ArrayNode cols = n.putArray("features_column");
            featuresColumns.forEach(cols::add);
        }
        if (!augment.isNone()) n.set("augment", augment.toJson());
        if (storage != null) n.put("storage", storage);
        if (!cache.equals("auto")) n.put("cache", cache);
        return n.put("header", header).put("task", task);
    }
}
