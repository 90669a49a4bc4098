package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * Layer normalisation over the last axis with a learned gain and bias:
 * {@code y = (x − mean) / sqrt(var + ε) · g + b}, statistics per row, the same in training and inference.
 * Shapes: x [B, ..., D] viewed as [N, D] (N = B·…), g [D], b [D], y like x.
 */
public final class LayerNorm implements Layer {

    /** {@code {"type":"layer_norm","epsilon":1e-5}}. */
    public record Config(double epsilon) implements LayerConfig {
        public Config {
            if (!(epsilon > 0 && epsilon < 1)) throw new ConfigException("epsilon", epsilon, "a number > 0 and < 1");
        }

        public static final double DEFAULT_EPSILON = 1e-5;

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "epsilon");
            return new Config(c.number("epsilon", DEFAULT_EPSILON, 0, true, 1));
        }

        @Override
        public String type() {
            return "layer_norm";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new LayerNorm(epsilon));
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type()).put("epsilon", epsilon);
        }
    }

    private final double epsilon;
    private INDArray gain, bias, gainGrad, biasGrad;
    private INDArray normalized, invStd, output, work, inputGrad;
    private long[] shape;

    public LayerNorm(double epsilon) {
        this.epsilon = epsilon;
    }

    @Override
    public String name() {
        return "layer_norm";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length == 0 || inputShape[inputShape.length - 1] < 2) {
            throw new IllegalArgumentException("layer_norm needs a last axis of at least 2 values, got " + java.util.Arrays.toString(inputShape));
        }
        return inputShape;
    }

    @Override
    public List<ParamSpec> params(long[] inputShape) {
        long d = inputShape[inputShape.length - 1];
        return List.of(ParamSpec.bias("gain", d, Initializer.ONES), ParamSpec.bias("bias", d, Initializer.ZEROS));
    }

    @Override
    public void bind(long[] inputShape, INDArray params, INDArray grads) {
        long d = inputShape[inputShape.length - 1];
        gain = params.get(NDArrayIndex.interval(0, d)).reshape(1, d);
        bias = params.get(NDArrayIndex.interval(d, 2 * d)).reshape(1, d);
        gainGrad = grads.get(NDArrayIndex.interval(0, d)).reshape(1, d);
        biasGrad = grads.get(NDArrayIndex.interval(d, 2 * d)).reshape(1, d);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        shape = x.shape();
        long d = shape[shape.length - 1];
        INDArray x2 = x.reshape('c', x.length() / d, d);
        normalized = Buffers.reuse(normalized, x.dataType(), x2.shape());
        output = Buffers.reuse(output, x.dataType(), x2.shape());
        // x̂ = (x − μ)·rstd, with μ and rstd per row of [N, D]
        normalized.assign(x2).subiColumnVector(x2.mean(true, 1));
        INDArray variance = output.assign(normalized).muli(normalized).mean(true, 1);
        invStd = Transforms.pow(variance.addi(epsilon), -0.5, false);
        normalized.muliColumnVector(invStd);
        output.assign(normalized).muliRowVector(gain).addiRowVector(bias);
        return output.reshape('c', shape);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        INDArray dY = gradOutput.reshape('c', normalized.shape());
        // dg += Σ_rows dY·x̂ ; db += Σ_rows dY
        work = Buffers.reuse(work, dY.dataType(), dY.shape());
        gainGrad.addi(work.assign(dY).muli(normalized).sum(true, 0));
        biasGrad.addi(dY.sum(true, 0));
        if (!needInputGradient) return null;
        // dx = rstd · (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dY·g, means over the row
        INDArray dxhat = work.assign(dY).muliRowVector(gain);
        inputGrad = Buffers.reuse(inputGrad, dY.dataType(), dY.shape());
        INDArray meanDotX = inputGrad.assign(dxhat).muli(normalized).mean(true, 1);
        INDArray meanD = dxhat.mean(true, 1);
        inputGrad.assign(normalized).muliColumnVector(meanDotX);
        inputGrad.rsubi(dxhat).subiColumnVector(meanD).muliColumnVector(invStd);
        return inputGrad.reshape('c', shape);
    }
}
