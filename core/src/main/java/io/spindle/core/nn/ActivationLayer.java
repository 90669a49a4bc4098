package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * An element-wise non-linearity (softmax: over the last axis of [B, C]).
 * Shapes: any [B, ...] in, the same shape out. Forward and backward are libnd4j ops.
 */
public final class ActivationLayer implements Layer {

    /** {@code {"type":"activation","function":"leaky_relu","alpha":0.01}}. */
    public record Config(ActivationFunction function, double alpha) implements LayerConfig {
        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "function", "alpha");
            ActivationFunction f = ActivationFunction.parse(c.field("function"), c.requireString("function"));
            return new Config(f, c.number("alpha", f.defaultAlpha(), 0, false, Double.MAX_VALUE));
        }

        @Override
        public String type() {
            return "activation";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new ActivationLayer(function, alpha));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type());
            function.writeJson(n, "function", alpha);
            return n;
        }
    }

    private final ActivationFunction function;
    private final Nonlinearity activation;
    private INDArray input, output, work;

    public ActivationLayer(ActivationFunction function, double alpha) {
        this.function = function;
        this.activation = function.create(alpha);
    }

    @Override
    public String name() {
        return function.jsonName();
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (function == ActivationFunction.SOFTMAX && inputShape.length != 1) {
            throw new IllegalArgumentException("softmax expects a flat input per sample but got "
                    + java.util.Arrays.toString(inputShape));
        }
        return inputShape;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        input = x;
        if (function == ActivationFunction.IDENTITY) return x;
        output = Buffers.reuse(output, x.dataType(), x.shape());
        activation.forward(x, output, training);
        return output;
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) return null;
        if (function == ActivationFunction.IDENTITY) return gradOutput;
        work = Buffers.reuse(work, input.dataType(), input.shape());
        return activation.backward(input, gradOutput, work);
    }
}
