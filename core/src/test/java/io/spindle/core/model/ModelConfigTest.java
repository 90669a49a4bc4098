package io.spindle.core.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model configs round-trip through JSON and bad ones name the field. */
class ModelConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelConfig parse(String json) throws Exception {
        return ModelConfig.fromJson(new ConfigNode(JSON.readTree(json), "model"));
    }

    @Test
    void everyLayerTypeRoundTrips() throws Exception {
        ModelConfig m = parse("""
                {"input_shape": [1, 28, 28], "layers": [
                  {"type": "flatten"}, {"type": "reshape", "shape": [784]}, {"type": "rescaling", "scale": 2.0, "offset": -1.0},
                  {"type": "dense", "units": 32, "activation": "leaky_relu", "alpha": 0.2, "kernel_init": "he_normal"},
                  {"type": "dropout", "rate": 0.25}, {"type": "activation", "function": "elu", "alpha": 0.5},
                  {"type": "dense", "units": 10, "use_bias": false, "kernel_init": "xavier_normal"}]}""");
        ModelConfig again = parse(m.toJson().toString());
        assertEquals(m, again);
        assertEquals(m.toJson(), again.toJson());
        assertEquals(10, m.outputShape()[0]);
    }

    private static void assertRejected(String json, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(json));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "expected " + f + " in: " + e.getMessage());
    }

    @Test
    void badLayersNameTheirField() {
        assertRejected("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 0}]}", "model.layers[0].units", "0");
        assertRejected("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\"}]}", "model.layers[0].units", "missing");
        assertRejected("{\"input_shape\": [4], \"layers\": [{\"type\": \"dropout\", \"rate\": 1.5}]}", "model.layers[0].rate", "1.5");
        assertRejected("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 2, \"kernel_init\": \"lecun\"}]}",
                "model.layers[0].kernel_init", "lecun", "he_normal");
        assertRejected("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"unit\": 2}]}", "model.layers[0].unit", "unknown field");
        assertRejected("{\"input_shape\": [4], \"layers\": []}", "model.layers", "at least one layer");
        assertRejected("{\"input_shape\": [0], \"layers\": [{\"type\": \"flatten\"}]}", "model.input_shape");
        // dense maps the last axis of a sequence (as Keras), so a shape error needs a layer that wants [time, features]
        assertRejected("{\"input_shape\": [6], \"layers\": [{\"type\": \"sequence_pool\"}]}", "model.layers[0]", "[time, features]");
        assertRejected("{\"input_shape\": [6], \"layers\": [{\"type\": \"reshape\", \"shape\": [4]}]}", "model.layers[0]", "6 values");
    }
}
