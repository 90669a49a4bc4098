package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/** The mean of each channel over all positions. Shapes: x [B, C, H, W] → y [B, C]. */
public final class GlobalAveragePool implements Layer {

    /** {@code {"type":"global_average_pool"}}. */
    public record Config() implements LayerConfig {
        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type");
            return new Config();
        }

        @Override
        public String type() {
            return "global_average_pool";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new GlobalAveragePool());
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type());
        }
    }

    private long[] inputShape;

    @Override
    public String name() {
        return "global_average_pool";
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException("global_average_pool expects [channels, height, width] per sample but got " + Arrays.toString(in));
        }
        return new long[] {in[0]};
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        inputShape = x.shape();
        return x.mean(2, 3);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) return null;
        double positions = inputShape[2] * inputShape[3];
        // Every position gets an equal share of its channel's gradient.
        return Nd4j.zeros(gradOutput.dataType(), inputShape)
                .addi(gradOutput.reshape(inputShape[0], inputShape[1], 1, 1).div(positions));
    }
}
