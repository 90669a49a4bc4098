package io.spindle.core.nn;

import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/** Reads a layer description by its {@code type}; the one place that knows every layer type. */
public final class LayerConfigs {
    public static final List<String> TYPES = List.of("dense", "activation", "dropout", "flatten", "reshape", "rescaling",
            "conv2d", "max_pool2d", "avg_pool2d", "global_average_pool", "batch_norm", "simple_rnn", "lstm", "gru");

    private LayerConfigs() {
    }

    public static LayerConfig parse(ConfigNode c) {
        String type = c.choice("type", null, TYPES);
        try {
            return switch (type) {
                case "dense" -> Dense.Config.fromJson(c);
                case "activation" -> ActivationLayer.Config.fromJson(c);
                case "dropout" -> Dropout.Config.fromJson(c);
                case "flatten" -> Flatten.Config.fromJson(c);
                case "reshape" -> Reshape.Config.fromJson(c);
                case "rescaling" -> Rescaling.Config.fromJson(c);
                case "conv2d" -> Conv2D.Config.fromJson(c);
                case "max_pool2d" -> Pool2D.Config.fromJson(c, Pool2D.Kind.MAX);
                case "avg_pool2d" -> Pool2D.Config.fromJson(c, Pool2D.Kind.AVG);
                case "global_average_pool" -> GlobalAveragePool.Config.fromJson(c);
                case "batch_norm" -> BatchNorm.Config.fromJson(c);
                case "simple_rnn" -> Recurrent.Config.fromJson(c, Recurrent.Kind.SIMPLE_RNN);
                case "lstm" -> Recurrent.Config.fromJson(c, Recurrent.Kind.LSTM);
                case "gru" -> Recurrent.Config.fromJson(c, Recurrent.Kind.GRU);
                default -> throw new IllegalStateException(type);
            };
        } catch (ConfigException e) {
            // Record constructors validate with bare field names; give them the full path.
            throw e.under(c.path());
        }
    }
}
