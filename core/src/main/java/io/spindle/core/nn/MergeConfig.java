package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/**
 * A merge node as a job or model file writes it: {@code {"type":"add"}}, {@code {"type":"multiply"}} or
 * {@code {"type":"concatenate","axis":0}}. {@code axis} is a per-sample axis (negative counts from the end);
 * when absent, concatenate joins channels of an image [C, H, W] (axis 0) and the last axis of anything else.
 */
public record MergeConfig(Kind kind, Integer axis) {
    public static final List<String> TYPES = List.of("add", "concatenate", "multiply");

    /** What the node computes from its inputs. */
    public enum Kind { ADD, CONCATENATE, MULTIPLY }

    public MergeConfig {
        if (axis != null && kind != Kind.CONCATENATE) throw new ConfigException("axis", "only concatenate takes an axis");
    }

    public static MergeConfig add() {
        return new MergeConfig(Kind.ADD, null);
    }

    public static MergeConfig multiply() {
        return new MergeConfig(Kind.MULTIPLY, null);
    }

    /** Concatenation on the default axis: channels for [C, H, W], the last axis otherwise. */
    public static MergeConfig concatenate() {
        return new MergeConfig(Kind.CONCATENATE, null);
    }

    public static MergeConfig concatenate(int axis) {
        return new MergeConfig(Kind.CONCATENATE, axis);
    }

    /** Whether {@code type} names a merge rather than a layer. */
    public static boolean isMerge(String type) {
        return TYPES.contains(ConfigNode.normalize(type));
    }

    /** Reads a merge node's own fields (the graph reads {@code name} and {@code inputs}). */
    public static MergeConfig fromJson(ConfigNode c, String... graphFields) {
        String type = c.choice("type", null, TYPES);
        Kind kind = Kind.valueOf(type.toUpperCase());
        List<String> known = new java.util.ArrayList<>(List.of(graphFields));
        known.add("type");
        if (kind == Kind.CONCATENATE) known.add("axis");
        c.rejectUnknown(known.toArray(new String[0]));
        Integer axis = c.has("axis") ? c.integer("axis", 0, -8, 7) : null;
        return new MergeConfig(kind, axis);
    }

    public String type() {
        return kind.name().toLowerCase();
    }

    /** The axis to concatenate on for inputs of per-sample rank {@code rank}. */
    int axisFor(int rank) {
        int a = axis == null ? (rank == 3 ? 0 : rank - 1) : axis < 0 ? rank + axis : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("concatenate's axis " + axis + " does not exist in inputs of rank " + rank);
        }
        return a;
    }

    public Merge build() {
        return new Merge(this);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type());
        if (axis != null) n.put("axis", axis);
        return n;
    }
}
