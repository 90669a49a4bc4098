package io.spindle.core.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.nn.Layer;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.LayerConfigs;

import java.util.Arrays;
import java.util.List;

/**
 * The architecture: the per-sample input shape and the layer list, exactly as a job file or a
 * model file writes it. Construction checks that every layer accepts the shape before it.
 */
public record ModelConfig(long[] inputShape, List<LayerConfig> layers) {

    public ModelConfig {
        if (inputShape == null || inputShape.length == 0) throw new ConfigException("model.input_shape", "required field is missing; e.g. [784] or [1, 28, 28]");
        if (layers.isEmpty()) throw new ConfigException("model.layers", "must list at least one layer; allowed types " + LayerConfigs.TYPES);
        layers = List.copyOf(layers);
        inputShape = inputShape.clone();
        checkShapes(inputShape, layers);
    }

    /** Reads {@code {"input_shape": [...], "layers": [...]}}; errors name the field under {@code c.path()}. */
    public static ModelConfig fromJson(ConfigNode c) {
        c.rejectUnknown("input_shape", "layers");
        long[] in = c.shape("input_shape");
        if (in == null) throw new ConfigException(c.field("input_shape"), "required field is missing; e.g. [784] or [1, 28, 28]");
        List<LayerConfig> layers = c.objects("layers").stream().map(LayerConfigs::parse).toList();
        return new ModelConfig(in, layers);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        Arrays.stream(inputShape).forEach(n.putArray("input_shape")::add);
        layers.forEach(l -> n.withArray("layers").add(l.toJson()));
        return n;
    }

    /** The per-sample output shape of the whole network. */
    public long[] outputShape() {
        long[] shape = inputShape;
        for (LayerConfig lc : layers) {
            for (Layer l : lc.build(0)) shape = l.outputShape(shape);
        }
        return shape;
    }

    private static void checkShapes(long[] inputShape, List<LayerConfig> layers) {
        long[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            for (Layer l : layers.get(i).build(0)) {
                try {
                    shape = l.outputShape(shape);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("model.layers[" + i + "]", layers.get(i).toJson().toString(), e.getMessage());
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig m && Arrays.equals(inputShape, m.inputShape) && layers.equals(m.layers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + layers.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
