package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.ModelInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which DataFrame columns feed which named model input, e.g. {@code {"cat_a": "cat_a", "num": ["x0", "x1"]}}:
 * each input reads one Vector/array column or numeric columns side by side. Resolved to the one list of
 * feature columns, in the model's input order, that a row of features is read from.
 */
public final class InputColumns {
    private InputColumns() {
    }

    /** The columns, input after input in the model's order; {@code field} names the mapping in errors. */
    public static List<String> resolve(JsonNode mapping, ModelConfig model, String field) {
        List<String> names = model.inputs().stream().map(ModelInput::name).toList();
        if (mapping == null || !mapping.isObject() || mapping.isEmpty()) {
            throw new ConfigException(field, String.valueOf(mapping), "an object from each model input " + names + " to a column or a list of columns");
        }
        Set<String> unknown = new TreeSet<>();
        mapping.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(names);
        if (!unknown.isEmpty()) throw new ConfigException(field + "." + unknown.iterator().next(), "is not a model input; the model's inputs are " + names);
        List<String> columns = new ArrayList<>();
        for (String input : names) {
            JsonNode v = mapping.get(input);
            if (v == null) throw new ConfigException(field + "." + input, "is missing: every model input " + names + " needs its columns");
            if (v.isTextual()) {
                columns.add(v.asText());
                continue;
            }
            if (!v.isArray() || v.isEmpty()) throw new ConfigException(field + "." + input, v.toString(), "a column name or a non-empty list of column names");
            for (JsonNode c : v) {
                if (!c.isTextual()) throw new ConfigException(field + "." + input, v.toString(), "a column name or a non-empty list of column names");
                columns.add(c.asText());
            }
        }
        return columns;
    }

    /** {@code data} with its {@code inputs} map replaced by the {@code features_column} list it resolves to. */
    static ConfigNode inline(ConfigNode data, ModelConfig model) {
        if (!data.has("inputs")) return data;
        if (data.has("features_column")) throw new ConfigException(data.field("inputs"), "give either inputs or features_column, not both");
        String format = data.string("format", data.has("train") ? DataConfig.formatOf(data.string("train", "")) : "idx");
        if (DataConfig.LOCAL_FORMATS.contains(ConfigNode.normalize(format))) {
            throw new ConfigException(data.field("inputs"), "only for parquet, json and libsvm data (read as DataFrames); " + format
                    + " rows are all features but the label, read as the model's inputs one after another");
        }
        ObjectNode copy = ((ObjectNode) data.json()).deepCopy();
        copy.remove("inputs");
        resolve(data.json().get("inputs"), model, data.field("inputs")).forEach(copy.putArray("features_column")::add);
        return new ConfigNode(copy, data.path());
    }
}
