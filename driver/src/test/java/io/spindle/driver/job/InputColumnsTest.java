package io.spindle.driver.job;

import io.spindle.core.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** data.inputs maps each named model input to its columns; the result is the feature columns in the model's input order. */
class InputColumnsTest {
    private static final String MODEL = """
            {"inputs": {"cat": [2], "num": [3]}, "nodes": [
               {"name": "e", "type": "embedding", "vocab_size": 5, "dim": 2, "inputs": "cat"},
               {"name": "f", "type": "flatten", "inputs": "e"},
               {"name": "c", "type": "concatenate", "inputs": ["f", "num"]},
               {"name": "out", "type": "dense", "units": 2, "inputs": "c"}], "output": "out"}""";

    private static JobConfig job(String data) {
        return JobConfig.parse("{\"data\": " + data + ", \"model\": " + MODEL + ", \"optimizer\": {\"type\": \"adam\"}}", "job", List.of());
    }

    @Test
    void inputsResolveToColumnsInTheModelsOrder() {
        JobConfig j = job("{\"train\": \"t.parquet\", \"inputs\": {\"num\": \"vec\", \"cat\": [\"a\", \"b\"]}}");
        assertEquals(List.of("a", "b", "vec"), j.data().featuresColumns());
        assertEquals(List.of("a", "b", "vec"), DataConfig.fromJson(new io.spindle.core.config.ConfigNode(j.data().toJson(), "data")).featuresColumns());
    }

    private static void assertRejected(String data, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> job(data));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "expected " + f + " in: " + e.getMessage());
    }

    @Test
    void aBadMappingNamesTheInput() {
        assertRejected("{\"train\": \"t.parquet\", \"inputs\": {\"cat\": [\"a\", \"b\"], \"nums\": \"vec\"}}", "data.inputs.nums", "[cat, num]");
        assertRejected("{\"train\": \"t.parquet\", \"inputs\": {\"cat\": [\"a\", \"b\"]}}", "data.inputs.num", "missing");
        assertRejected("{\"train\": \"t.parquet\", \"inputs\": {\"cat\": [], \"num\": \"v\"}}", "data.inputs.cat");
        assertRejected("{\"train\": \"t.parquet\", \"features_column\": \"f\", \"inputs\": {\"cat\": \"a\", \"num\": \"v\"}}", "data.inputs", "not both");
        assertRejected("{\"train\": \"t.csv\", \"label_column\": \"y\", \"inputs\": {\"cat\": \"a\", \"num\": \"v\"}}", "data.inputs", "only for parquet");
    }
}
