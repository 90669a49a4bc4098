package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/**
 * Where the rows come from. {@code train}/{@code test} are paths or Hadoop URIs; an IDX dataset is
 * named by its images file and its labels file is found beside it unless {@code train_labels} /
 * {@code test_labels} say otherwise. CSV needs {@code label_column}.
 */
public record DataConfig(String format, String train, String trainLabels, String test, String testLabels,
                         String labelColumn, boolean header, String task) {
    public static final List<String> FORMATS = List.of("idx", "csv");
    public static final List<String> TASKS = List.of("classification", "regression");

    public static DataConfig fromJson(ConfigNode c) {
        c.rejectUnknown("format", "train", "train_labels", "test", "test_labels", "label_column", "header", "task");
        String train = c.requireString("train");
        String format = c.choice("format", train.toLowerCase().matches(".*\\.csv(\\.gz)?$") ? "csv" : "idx", FORMATS);
        String labelColumn = c.string("label_column", null);
        if (format.equals("csv") && labelColumn == null) {
            throw new ConfigException(c.field("label_column"), "required for csv data: a column name (with header) or a 0-based index, or \"last\"");
        }
        return new DataConfig(format, train, c.string("train_labels", null), c.string("test", null),
                c.string("test_labels", null), labelColumn, c.bool("header", true), c.choice("task", "classification", TASKS));
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("format", format).put("train", train);
        if (trainLabels != null) n.put("train_labels", trainLabels);
        if (test != null) n.put("test", test);
        if (testLabels != null) n.put("test_labels", testLabels);
        if (labelColumn != null) n.put("label_column", labelColumn);
        return n.put("header", header).put("task", task);
    }
}
