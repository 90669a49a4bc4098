package io.spindle.core.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph form of a model in JSON: it round-trips, and every broken graph is refused naming the node. */
class GraphConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelConfig parse(String json) throws Exception {
        return ModelConfig.fromJson(new ConfigNode(JSON.readTree(json), "model"));
    }

    private static final String RESIDUAL = """
            {"inputs": {"img": [1, 8, 8]}, "nodes": [
              {"name": "stem", "type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "inputs": ["img"]},
              {"name": "c1", "type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu", "inputs": ["stem"]},
              {"name": "sum", "type": "add", "inputs": ["stem", "c1"]},
              {"name": "cat", "type": "concatenate", "axis": 0, "inputs": ["sum", "stem"]},
              {"name": "gap", "type": "global_average_pool", "inputs": "cat"},
              {"name": "logits", "type": "dense", "units": 10, "inputs": ["gap"]}],
             "output": "logits"}""";

    @Test
    void aGraphRoundTripsThroughJson() throws Exception {
        ModelConfig m = parse(RESIDUAL);
        assertFalse(m.isChain());
        ModelConfig again = parse(m.toJson().toString());
        assertEquals(m, again);
        assertEquals(m.toJson(), again.toJson());
        assertArrayEquals(new long[] {10}, m.outputShape());
        assertArrayEquals(new long[] {8, 8, 8}, m.plan().outputShape(3));
    }

    @Test
    void aStackStaysInTheStackForm() throws Exception {
        ModelConfig m = parse("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3}, {\"type\": \"dense\", \"units\": 2}]}");
        assertTrue(m.isChain());
        assertEquals("[4]", m.toJson().get("input_shape").toString());
        assertEquals("dense_1", m.output());
        // The same chain written as a graph with the stack's names is the same model.
        assertEquals(m, parse(m.toJson().toString()));
    }

    private static void assertRejected(String json, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(json));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "expected " + f + " in: " + e.getMessage());
    }

    private static String graph(String nodes, String output) {
        return "{\"inputs\": {\"x\": [4], \"y\": [4]}, \"nodes\": [" + nodes + "], \"output\": \"" + output + "\"}";
    }

    private static String dense(String name, int units, String... inputs) {
        return "{\"name\": \"" + name + "\", \"type\": \"dense\", \"units\": " + units + ", \"inputs\": " + JSONList.of(inputs) + "}";
    }

    private static String merge(String name, String type, String... inputs) {
        return "{\"name\": \"" + name + "\", \"type\": \"" + type + "\", \"inputs\": " + JSONList.of(inputs) + "}";
    }

    @Test
    void anUnknownInputNameNamesTheNode() {
        assertRejected(graph(dense("a", 3, "x") + "," + dense("b", 3, "yy") + "," + merge("s", "add", "a", "b"), "s"),
                "model.nodes[1] (b).inputs", "\"yy\"", "[x, y]");
    }

    @Test
    void aCycleNamesTheNodes() {
        assertRejected(graph(dense("a", 4, "x") + "," + merge("b", "add", "a", "c") + "," + dense("c", 4, "b") + ","
                + merge("out", "add", "c", "y"), "out"), "cycle", "c -> b -> c");
    }

    @Test
    void aNodeThatNothingReadsIsNamed() {
        assertRejected(graph(dense("a", 4, "x") + "," + dense("dangling", 2, "y") + "," + merge("s", "add", "a", "y"), "s"),
                "model.nodes[1] (dangling)", "read by no other node");
    }

    @Test
    void shapesThatDoNotMatchAtAMergeNameBoth() {
        assertRejected(graph(dense("a", 3, "x") + "," + merge("s", "add", "a", "y"), "s"), "model.nodes[1] (s)", "[3]", "[4]");
        assertRejected(graph(dense("a", 3, "x") + "," + merge("s", "multiply", "a", "y"), "s"), "[3] and [4]");
    }

    @Test
    void anOutputThatIgnoresAnInputIsRefused() {
        assertRejected(graph(dense("a", 3, "x") + "," + dense("b", 3, "x") + "," + merge("s", "concatenate", "a", "b"), "s"),
                "model.inputs.y", "does not depend");
    }

    @Test
    void otherMistakesNameTheirField() {
        assertRejected(graph(dense("a", 3, "x", "y"), "a"), "model.nodes.a.inputs", "exactly one input");
        assertRejected(graph(merge("s", "add", "x"), "s"), "two or more inputs");
        assertRejected(graph(merge("s", "add", "x", "y") + "," + dense("s", 2, "s"), "s"), "used twice");
        assertRejected(graph(merge("s", "add", "x", "y"), "nope"), "model.output", "\"nope\"");
        assertRejected(graph(merge("s", "add", "x", "y") + ",{\"name\": \"d\", \"type\": \"dense\", \"inputs\": [\"s\"]}", "d"),
                "model.nodes[1].units", "missing");
        assertRejected(graph("{\"name\": \"s\", \"type\": \"add\", \"axis\": 1, \"inputs\": [\"x\", \"y\"]}", "s"), "model.nodes[0].axis");
        assertRejected(graph("{\"name\": \"s\", \"type\": \"concatenate\", \"axis\": 3, \"inputs\": [\"x\", \"y\"]}", "s"),
                "model.nodes[0] (s)", "axis 3");
    }

    /** A JSON list of strings. */
    private static final class JSONList {
        static String of(String... items) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < items.length; i++) b.append(i > 0 ? ", " : "").append('"').append(items[i]).append('"');
            return b.append(']').toString();
        }
    }
}
