package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Elementwise;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A fixed affine map {@code y = x·scale + offset}, as Keras' Rescaling layer: puts inputs on a
 * convenient scale (e.g. standardised pixels) inside the model, so evaluate and predict see the
 * same transform as training. No trainable parameters. Shapes: any [B, ...] in, the same out.
 */
public final class Rescaling implements Layer {

    /** {@code {"type":"rescaling","scale":2.833,"offset":-0.810}}. */
    public record Config(double scale, double offset) implements LayerConfig {
        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "scale", "offset");
            return new Config(c.number("scale", 1.0, -Double.MAX_VALUE, false, Double.MAX_VALUE),
                    c.number("offset", 0.0, -Double.MAX_VALUE, false, Double.MAX_VALUE));
        }

        @Override
        public String type() {
            return "rescaling";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new Rescaling(scale, offset));
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type()).put("scale", scale).put("offset", offset);
        }
    }

    private final double scale;
    private final double offset;
    private INDArray output, inputGrad;

    public Rescaling(double scale, double offset) {
        this.scale = scale;
        this.offset = offset;
    }

    @Override
    public String name() {
        return "rescaling";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        output = Buffers.reuse(output, x.dataType(), x.shape());
        if (Elementwise.applies(x, output)) {
            Elementwise.scaleShift(x, output, scale, offset);
            return output;
        }
        return output.assign(x).muli(scale).addi(offset);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) return null;
        inputGrad = Buffers.reuse(inputGrad, gradOutput.dataType(), gradOutput.shape());
        return inputGrad.assign(gradOutput).muli(scale);
    }
}
