package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;

/**
 * Reshapes each sample (c-order, so no data moves); {@link Flatten} is the special case of one axis.
 * Shapes: [B, ...in] → [B, ...target] with equal element counts.
 */
public class Reshape implements Layer {

    /** {@code {"type":"reshape","shape":[28,28]}}. */
    public record Config(long[] shape) implements LayerConfig {
        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "shape");
            long[] s = c.shape("shape");
            if (s == null) throw new ConfigException(c.field("shape"), "required field is missing; a list of positive integers");
            return new Config(s);
        }

        @Override
        public String type() {
            return "reshape";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new Reshape(shape));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type());
            Arrays.stream(shape).forEach(n.putArray("shape")::add);
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Config other && Arrays.equals(shape, other.shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape);
        }
    }

    private final long[] target;
    private long[] inputShape;

    public Reshape(long[] target) {
        this.target = target;
    }

    @Override
    public String name() {
        return "reshape";
    }

    @Override
    public long[] outputShape(long[] in) {
        long[] out = target == null ? new long[] {Buffers.product(in)} : target;
        if (Buffers.product(in) != Buffers.product(out)) {
            throw new IllegalArgumentException("reshape cannot turn " + Arrays.toString(in) + " (" + Buffers.product(in)
                    + " values) into " + Arrays.toString(out) + " (" + Buffers.product(out) + " values)");
        }
        inputShape = in;
        return out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        inputShape = Arrays.copyOfRange(x.shape(), 1, x.rank());
        return x.reshape('c', Buffers.withBatch(x.size(0), outputShape(inputShape)));
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        return needInputGradient ? gradOutput.reshape('c', Buffers.withBatch(gradOutput.size(0), inputShape)) : null;
    }
}
