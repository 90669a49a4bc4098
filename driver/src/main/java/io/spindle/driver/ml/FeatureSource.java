package io.spindle.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.model.ModelConfig;
import io.spindle.driver.data.FeatureColumns;
import io.spindle.driver.data.SparkRows;
import io.spindle.driver.job.InputColumns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Where a row's features come from: the one {@code featuresCol}, or, when {@code inputCols} is set, the columns it
 * maps each named model input to, joined in the model's input order (category ids beside a vector, say).
 */
record FeatureSource(String featuresCol, String inputCols, List<String> columns) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The source {@code p}'s params name for {@code model}; errors name {@code inputCols.<input>}. */
    static FeatureSource of(SpindleParams p, String featuresCol, ModelConfig model) {
        String mapping = p.getInputCols();
        if (mapping == null) return new FeatureSource(featuresCol, null, List.of(featuresCol));
        return new FeatureSource(featuresCol, mapping, InputColumns.resolve(parse(mapping), model, "inputCols"));
    }

    boolean mapped() {
        return inputCols != null;
    }

    /** The param that names the features, for messages. */
    String param() {
        return mapped() ? "inputCols" : "featuresCol";
    }

    /** The features as the param says them, for messages. */
    String describe() {
        return mapped() ? inputCols : featuresCol;
    }

    /** Every column {@code p} names for the features exists and is a number, a Vector or an array of numbers. */
    static void check(SpindleParams p, String featuresCol, StructType schema) {
        if (p.getInputCols() == null) {
            FeatureColumns.checkFeatures(schema, "featuresCol", featuresCol);
            return;
        }
        JsonNode mapping = parse(p.getInputCols());
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> input = it.next();
            String field = "inputCols." + input.getKey();
            for (JsonNode c : input.getValue().isArray() ? input.getValue() : JSON.createArrayNode().add(input.getValue())) {
                if (!(FeatureColumns.require(schema, field, c.asText()).dataType() instanceof NumericType)) {
                    FeatureColumns.checkFeatures(schema, field, c.asText());
                }
            }
        }
    }

    /** The features of a row as array&lt;float&gt;. */
    Column column(StructType schema) {
        if (!mapped()) return FeatureColumns.asFloatArray(schema, featuresCol);
        return SparkRows.features(schema, columns, "inputCols");
    }

    /**
     * The mapping as a JSON object whose values are column names or non-empty lists of them; which inputs it must
     * name is checked against the model at fit.
     */
    static JsonNode parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("inputCols", json, "a JSON object from each model input to a column or a list of columns: " + e.getOriginalMessage());
        }
        String allowed = "a JSON object from each model input to a column or a list of columns, e.g. {\"cat\": [\"a_idx\", \"b_idx\"], \"num\": \"x\"}";
        if (n == null || !n.isObject() || n.isEmpty()) throw new ConfigException("inputCols", json, allowed);
        for (JsonNode v : n) {
            boolean ok = v.isTextual() || v.isArray() && !v.isEmpty();
            if (v.isArray()) for (JsonNode c : v) ok &= c.isTextual();
            if (!ok) throw new ConfigException("inputCols", json, allowed);
        }
        return n;
    }
}
