package io.spindle.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON object read field by field with validation; every error carries the dotted path of
 * the field, so a user sees {@code training.batch_size = 0 is not allowed: an integer >= 1}.
 */
public final class ConfigNode {
    private final JsonNode node;
    private final String path;

    public ConfigNode(JsonNode node, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            node = JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(path.isEmpty() ? "(root)" : path, node.toString(), "a JSON object");
        }
        this.node = node;
        this.path = path;
    }

    public String path() {
        return path;
    }

    public JsonNode json() {
        return node;
    }

    public String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** Rejects fields this object does not define, listing the ones it does (catches typos like "epoch"). */
    public void rejectUnknown(String... known) {
        Set<String> allowed = Set.of(known);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new ConfigException(field(name), "unknown field; allowed fields here: " + new TreeSet<>(allowed));
            }
        }
    }

    public String requireString(String key) {
        if (!has(key)) throw new ConfigException(field(key), "required field is missing");
        return string(key, null);
    }

    public String string(String key, String dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) throw new ConfigException(field(key), v.toString(), "a string");
        return v.asText();
    }

    /** A string from a closed set; the error lists the set. Matching ignores case and '-' vs '_'. */
    public String choice(String key, String dflt, List<String> allowed) {
        String v = has(key) ? string(key, null) : dflt;
        if (v == null) throw new ConfigException(field(key), "required field is missing; one of " + allowed);
        String normalized = normalize(v);
        for (String a : allowed) {
            if (normalize(a).equals(normalized)) return a;
        }
        throw new ConfigException(field(key), v, "one of " + allowed);
    }

    public static String normalize(String s) {
        return s.trim().toLowerCase().replace('-', '_');
    }

    public int requireInt(String key, int min, int max) {
        if (!has(key)) throw new ConfigException(field(key), "required field is missing; an integer in [" + min + ", " + max + "]");
        return integer(key, 0, min, max);
    }

    public int integer(String key, int dflt, int min, int max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw new ConfigException(field(key), v.toString(), "an integer in [" + min + ", " + max + "]");
        }
        long x = v.asLong();
        if (x < min || x > max) throw new ConfigException(field(key), x, "an integer in [" + min + ", " + max + "]");
        return (int) x;
    }

    public long longValue(String key, long dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber()) throw new ConfigException(field(key), v.toString(), "an integer");
        return v.asLong();
    }

    /** A finite number in [min, max]; {@code minExclusive} turns the lower bound into {@code > min}. */
    public double number(String key, double dflt, double min, boolean minExclusive, double max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        String range = (minExclusive ? "a number > " : "a number >= ") + min + (max < Double.MAX_VALUE ? " and <= " + max : "");
        if (!v.isNumber()) throw new ConfigException(field(key), v.toString(), range);
        double x = v.asDouble();
        if (!Double.isFinite(x) || x < min || (minExclusive && x == min) || x > max) {
            throw new ConfigException(field(key), x, range);
        }
        return x;
    }

    public boolean bool(String key, boolean dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new ConfigException(field(key), v.toString(), "true or false");
        return v.asBoolean();
    }

    public ConfigNode object(String key) {
        return new ConfigNode(node.get(key), field(key));
    }

    public List<ConfigNode> objects(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) throw new ConfigException(field(key), "required field is missing; a list of objects");
        if (!v.isArray()) throw new ConfigException(field(key), v.toString(), "a list of objects");
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) out.add(new ConfigNode(v.get(i), field(key) + "[" + i + "]"));
        return out;
    }

    /** A list of positive integers, e.g. a shape; null when absent. */
    public long[] shape(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        if (v.isIntegralNumber()) v = JsonNodeFactory.instance.arrayNode().add(v.asLong());
        if (!v.isArray() || v.isEmpty()) throw new ConfigException(field(key), v.toString(), "a non-empty list of positive integers, e.g. [1, 28, 28]");
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode d = v.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 1) {
                throw new ConfigException(field(key), v.toString(), "a non-empty list of positive integers, e.g. [1, 28, 28]");
            }
            out[i] = d.asLong();
        }
        return out;
    }
}
