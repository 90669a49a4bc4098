package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * Collapses the time axis of a sequence: the mean over all steps, or the last step.
 * Shapes: x [B, T, D] → y [B, D].
 */
public final class SequencePool implements Layer {
    static final List<String> MODES = List.of("mean", "last");

    /** {@code {"type":"sequence_pool","mode":"mean"}}; mode {@code mean} or {@code last}. */
    public record Config(String mode) implements LayerConfig {
        public Config {
            if (!MODES.contains(mode)) throw new io.spindle.core.config.ConfigException("mode", mode, "one of " + MODES);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "mode");
            return new Config(c.choice("mode", "mean", MODES));
        }

        @Override
        public String type() {
            return "sequence_pool";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new SequencePool(mode.equals("last")));
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type()).put("mode", mode);
        }
    }

    private final boolean last;
    private INDArray output, inputGrad;
    private long[] inputShape;

    public SequencePool(boolean last) {
        this.last = last;
    }

    @Override
    public String name() {
        return "sequence_pool";
    }

    @Override
    public long[] outputShape(long[] in) {
        SequenceShape.require(name(), in);
        return new long[] {in[1]};
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        inputShape = x.shape();
        output = Buffers.reuse(output, x.dataType(), inputShape[0], inputShape[2]);
        if (last) return output.assign(lastStep(x));
        return output.assign(x.mean(1));
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) return null;
        inputGrad = Buffers.reuse(inputGrad, gradOutput.dataType(), inputShape).assign(0);
        if (last) {
            lastStep(inputGrad).assign(gradOutput);
            return inputGrad;
        }
        // Every step gets an equal share of the gradient of the mean.
        return inputGrad.addi(gradOutput.reshape(inputShape[0], 1, inputShape[2]).div(inputShape[1]));
    }

    private static INDArray lastStep(INDArray x) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.point(x.size(1) - 1), NDArrayIndex.all());
    }
}
