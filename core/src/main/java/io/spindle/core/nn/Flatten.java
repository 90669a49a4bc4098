package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/** Flattens each sample to one axis. Shapes: [B, d1, d2, ...] → [B, d1·d2·…]. */
public final class Flatten extends Reshape {

    /** {@code {"type":"flatten"}}. */
    public record Config() implements LayerConfig {
        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type");
            return new Config();
        }

        @Override
        public String type() {
            return "flatten";
        }

        @Override
        public List<io.spindle.core.nn.Layer> build(long seed) {
            return List.of(new Flatten());
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type());
        }
    }

    public Flatten() {
        super(null);
    }

    @Override
    public String name() {
        return "flatten";
    }
}
