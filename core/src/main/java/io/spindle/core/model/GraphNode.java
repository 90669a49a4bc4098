package io.spindle.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.LayerConfigs;
import io.spindle.core.nn.MergeConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One named node of a model graph: a layer reading one earlier node (or model input), or a merge
 * ({@code add}, {@code concatenate}, {@code multiply}) reading two or more. Exactly one of {@code layer}
 * and {@code merge} is set. JSON: the layer's or merge's own fields plus {@code "name"} and {@code "inputs"}.
 */
public record GraphNode(String name, LayerConfig layer, MergeConfig merge, List<String> inputs) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-]+");

    public GraphNode {
        checkName(name, "model.nodes");
        if ((layer == null) == (merge == null)) throw new IllegalArgumentException(name + ": a node is either a layer or a merge");
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) throw new ConfigException("model.nodes." + name + ".inputs", "must name at least one model input or node");
        if (layer != null && inputs.size() != 1) {
            throw new ConfigException("model.nodes." + name + ".inputs", inputs.toString(),
                    "exactly one input for a " + layer.type() + " layer; merge several with add, concatenate or multiply");
        }
        if (merge != null && inputs.size() < 2) {
            throw new ConfigException("model.nodes." + name + ".inputs", inputs.toString(), "two or more inputs for " + merge.type());
        }
    }

    /** A layer node. */
    public static GraphNode of(String name, LayerConfig layer, String input) {
        return new GraphNode(name, layer, null, List.of(input));
    }

    /** A merge node. */
    public static GraphNode of(String name, MergeConfig merge, List<String> inputs) {
        return new GraphNode(name, null, merge, inputs);
    }

    static void checkName(String name, String field) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException(field, name, "a name of letters, digits, '_' and '-' (it prefixes parameter names, e.g. c1.W)");
        }
    }

    /** The JSON {@code type}: the layer's or the merge's. */
    public String type() {
        return layer != null ? layer.type() : merge.type();
    }

    /** Reads {@code {"name": ..., "type": ..., "inputs": [...], ...the layer's fields}}. */
    static GraphNode fromJson(ConfigNode c) {
        String name = c.requireString("name");
        checkName(name, c.field("name"));
        List<String> inputs = readInputs(c);
        ObjectNode own = ((ObjectNode) c.json()).deepCopy();
        own.remove("name");
        own.remove("inputs");
        ConfigNode body = new ConfigNode(own, c.path());
        String type = body.string("type", null);
        if (type != null && MergeConfig.isMerge(type)) {
            try {
                return of(name, MergeConfig.fromJson(body), inputs);
            } catch (ConfigException e) {
                throw e.under(c.path());
            }
        }
        return new GraphNode(name, LayerConfigs.parse(body), null, inputs);
    }

    private static List<String> readInputs(ConfigNode c) {
        JsonNode v = c.json().get("inputs");
        if (v == null || v.isNull()) throw new ConfigException(c.field("inputs"), "required field is missing; a list of input or node names");
        List<String> out = new ArrayList<>();
        if (v.isTextual()) out.add(v.asText());
        else if (v.isArray()) v.forEach(s -> {
            if (!s.isTextual()) throw new ConfigException(c.field("inputs"), v.toString(), "a list of input or node names");
            out.add(s.asText());
        });
        else throw new ConfigException(c.field("inputs"), v.toString(), "a list of input or node names");
        return out;
    }

    ObjectNode toJson() {
        ObjectNode body = layer != null ? layer.toJson() : merge.toJson();
        ObjectNode n = body.objectNode().put("name", name);
        n.setAll(body);
        inputs.forEach(n.putArray("inputs")::add);
        return n;
    }
}
