package io.spindle.core.model;

import io.spindle.core.config.ConfigException;
import io.spindle.core.loss.Loss;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.ActivationLayer;
import io.spindle.core.nn.Conv2D;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.LayerConfig;

/**
 * Refuses an output activation that the loss applies itself: softmax before {@code softmax_cross_entropy}
 * or sigmoid before {@code binary_cross_entropy} would apply it twice (a model ported from Keras or DL4J
 * carries exactly that). The model still predicts probabilities: the loss's {@code predict} applies the function.
 */
public final class LossPairing {
    private LossPairing() {
    }

    /** Throws a {@link ConfigException} naming the output layer when it ends in the function {@code loss} applies. */
    public static void check(ModelConfig model, Loss loss) {
        ActivationFunction applied = switch (loss.name()) {
            case "softmax_cross_entropy" -> ActivationFunction.SOFTMAX;
            case "binary_cross_entropy" -> ActivationFunction.SIGMOID;
            default -> null;
        };
        LayerConfig layer = model.nodes().stream().filter(n -> n.name().equals(model.output())).findFirst().orElseThrow().layer();
        if (applied == null || layer == null || outputActivation(layer) != applied) return;
        throw new ConfigException(model.outputField(), "this " + layer.type() + " layer ends in " + applied.jsonName() + ", but the loss "
                + loss.name() + " applies " + applied.jsonName() + " itself, so it would be applied twice; remove the activation "
                + "(predictions still come out as probabilities)");
    }

    private static ActivationFunction outputActivation(LayerConfig layer) {
        if (layer instanceof Dense.Config d) return d.activation();
        if (layer instanceof Conv2D.Config c) return c.activation();
        if (layer instanceof ActivationLayer.Config a) return a.function();
        return null;
    }
}
