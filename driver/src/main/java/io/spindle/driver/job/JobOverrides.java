package io.spindle.driver.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.spindle.core.config.ConfigException;

/**
 * Applies {@code --set key=value} to a job's JSON tree before validation. The key is a dotted
 * path ({@code training.epochs}, {@code model.layers[0].units} or {@code model.layers.0.units});
 * the value is read as JSON when it parses (numbers, booleans, lists) and as a string otherwise.
 */
public final class JobOverrides {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobOverrides() {
    }

    public static void apply(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new ConfigException("--set", assignment, "key=value, e.g. training.epochs=1");
        String path = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1);
        String[] keys = path.replaceAll("\\[(\\d+)]", ".$1").split("\\.");
        JsonNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            node = step(node, keys[i], path, true);
        }
        set(node, keys[keys.length - 1], parse(raw), path);
    }

    private static JsonNode step(JsonNode node, String key, String path, boolean create) {
        if (node instanceof ArrayNode arr) {
            int i = index(key, arr, path);
            return arr.get(i);
        }
        ObjectNode obj = (ObjectNode) node;
        JsonNode next = obj.get(key);
        if (next == null || next.isNull()) {
            next = obj.putObject(key);
        }
        if (!next.isContainerNode()) {
            throw new ConfigException(path, "cannot set a field inside \"" + key + "\", which is the value " + next);
        }
        return next;
    }

    private static void set(JsonNode node, String key, JsonNode value, String path) {
        if (node instanceof ArrayNode arr) {
            arr.set(index(key, arr, path), value);
        } else {
            ((ObjectNode) node).set(key, value);
        }
    }

    private static int index(String key, ArrayNode arr, String path) {
        try {
            int i = Integer.parseInt(key);
            if (i >= 0 && i < arr.size()) return i;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new ConfigException(path, key, "an index in [0, " + (arr.size() - 1) + "]");
    }

    private static JsonNode parse(String raw) {
        try {
            JsonNode v = JSON.readTree(raw);
            return v == null || v.isMissingNode() ? TextNode.valueOf(raw) : v;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(raw);
        }
    }
}
