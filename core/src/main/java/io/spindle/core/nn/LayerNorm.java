package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * Layer normalisation over the last axis with a learned gain and bias:
 * {@code y = (x − mean) / sqrt(var + ε) · g + b}, statistics per row, the same in training and inference.
 * Float rows run in Java passes ({@link RowNormKernel}); double (the gradient checks) on libnd4j ops.
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
    private final RowReductions rows = new RowReductions();
    private INDArray normalized, rowStat, invStd, output, work, inputGrad;
    private long[] shape;
    private RowNormKernel kernel;

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
        long d = shape[shape.length - 1], n = x.length() / d;
        if (RowNormKernel.applies(x, gain, bias, gainGrad, biasGrad)) {
            // The output in x's shape, the same array every step: no view made per step, and the kernel keeps its memory.
            output = Buffers.reuse(output, x.dataType(), shape);
            if (kernel == null) kernel = new RowNormKernel();
            kernel.forward(x, output, gain, bias, (int) d, epsilon);
            return output;
        }
        kernel = null;
        INDArray x2 = x.reshape('c', n, d);
        output = Buffers.reuse(output, x.dataType(), n, d);
        normalized = Buffers.reuse(normalized, x.dataType(), n, d);
        rowStat = Buffers.reuse(rowStat, x.dataType(), n, 1);
        invStd = Buffers.reuse(invStd, x.dataType(), n, 1);
        // x̂ = (x − μ)·rstd per row; μ, σ² as GEMVs, their broadcasts as rank-1 GEMMs (see RowReductions)
        rows.rowSums(x2, rowStat, 1.0 / d);
        rows.broadcastColumn(rowStat, normalized.assign(x2), -1.0, 1.0);
        rows.rowSums(output.assign(normalized).muli(normalized), invStd, 1.0 / d);
        Transforms.pow(invStd.addi(epsilon), -0.5, false);
        rows.broadcastColumn(invStd, output, 1.0, 0.0);
        normalized.muli(output);
        output.assign(normalized).muliRowVector(gain).addiRowVector(bias);
        return output.reshape('c', shape);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (kernel != null) {
            INDArray dy = Memory.isContiguous(gradOutput) ? gradOutput : gradOutput.dup('c');
            INDArray dx = needInputGradient ? (inputGrad = Buffers.reuse(inputGrad, dy.dataType(), shape)) : null;
            kernel.backward(dy, dx, gain, gainGrad, biasGrad);
            return dx;
        }
        long d = shape[shape.length - 1];
        INDArray dY = gradOutput.reshape('c', normalized.shape());
        // dg += Σ_rows dY·x̂ ; db += Σ_rows dY
        work = Buffers.reuse(work, dY.dataType(), dY.shape());
        rows.addColumnSums(work.assign(dY).muli(normalized), gainGrad);
        rows.addColumnSums(dY, biasGrad);
        if (!needInputGradient) return null;
        // dx = rstd · (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dY·g, means over the row
        INDArray dxhat = work.assign(dY).muliRowVector(gain);
        inputGrad = Buffers.reuse(inputGrad, dY.dataType(), dY.shape());
        rows.rowSums(inputGrad.assign(dxhat).muli(normalized), rowStat, 1.0 / d);
        rows.broadcastColumn(rowStat, inputGrad, 1.0, 0.0);
        inputGrad.muli(normalized);
        rows.rowSums(dxhat, rowStat, 1.0 / d);
        rows.broadcastColumn(rowStat, inputGrad, 1.0, 1.0);
        inputGrad.rsubi(dxhat);
        rows.broadcastColumn(invStd, dxhat, 1.0, 0.0);
        inputGrad.muli(dxhat);
        return inputGrad.reshape('c', shape);
    }
}
