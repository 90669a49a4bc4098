package io.spindle.core.nn;

import io.spindle.core.config.ConfigException;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

import java.util.Arrays;
import java.util.List;

/**
 * The element-wise (and softmax) non-linearities: relu, tanh and sigmoid in Java passes on float arrays
 * ({@link io.spindle.core.kernel}), the rest (and double precision) on libnd4j's forward and backward ops. {@code alpha} is the negative slope of leaky-relu and the scale of elu.
 */
public enum ActivationFunction {
    IDENTITY("identity"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    RELU("relu"),
    LEAKY_RELU("leaky_relu"),
    ELU("elu"),
    GELU("gelu"),
    SOFTMAX("softmax");

    private final String jsonName;

    ActivationFunction(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ActivationFunction::jsonName).toList();
    }

    public static ActivationFunction parse(String field, String name) {
        String n = name.trim().toLowerCase().replace('-', '_');
        if (n.equals("linear") || n.equals("none")) return IDENTITY;
        if (n.equals("leakyrelu")) return LEAKY_RELU;
        for (ActivationFunction f : values()) {
            if (f.jsonName.equals(n)) return f;
        }
        throw new ConfigException(field, name, "one of " + names());
    }

    /** The default alpha: 0.01 for leaky-relu (as Keras' LeakyReLU in TF 2.x), 1.0 for elu. */
    public double defaultAlpha() {
        return this == LEAKY_RELU ? 0.01 : this == ELU ? 1.0 : 0.0;
    }

    /** {@code layer}, followed by this activation unless it is the identity: how dense and conv2d take "activation". */
    java.util.List<Layer> after(Layer layer, double alpha) {
        return this == IDENTITY ? java.util.List.of(layer) : java.util.List.of(layer, new ActivationLayer(this, alpha));
    }

    /** Writes {@code activation} (and {@code alpha} where the function has one) into a layer's JSON. */
    void writeJson(com.fasterxml.jackson.databind.node.ObjectNode n, String field, double alpha) {
        n.put(field, jsonName);
        if (this == LEAKY_RELU || this == ELU) n.put("alpha", alpha);
    }

    Nonlinearity create(double alpha) {
        return switch (this) {
            case IDENTITY -> Nonlinearity.of(new ActivationIdentity());
            case SIGMOID -> Nonlinearity.tanhOrSigmoid(false);
            case TANH -> Nonlinearity.tanhOrSigmoid(true);
            case RELU -> Nonlinearity.relu();
            case LEAKY_RELU -> Nonlinearity.of(new ActivationLReLU(alpha));
            case ELU -> Nonlinearity.elu(alpha);
            case GELU -> Nonlinearity.gelu();
            case SOFTMAX -> Nonlinearity.of(new ActivationSoftmax());
        };
    }
}
