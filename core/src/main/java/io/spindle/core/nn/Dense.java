package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Elementwise;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Fully connected layer, {@code y = x·W + b}.
 * Shapes: x [B, in], W [in, units] (c-order), b [units], y [B, units]; a sequence x [B, T, in]
 * (any rank) maps its last axis, as Keras does: it is viewed as [B·T, in] and y is [B, T, units].
 * All three products go straight to sgemm with transpose flags into preallocated outputs:
 * no transposed copies and no per-step allocation of the large arrays; each call site keeps its
 * native op context ({@link GemmCall}).
 */
public final class Dense implements Layer {

    /** {@code {"type":"dense","units":N,"activation":"relu","kernel_init":"glorot_uniform","bias_init":"zeros","use_bias":true}}. */
    public record Config(int units, ActivationFunction activation, double alpha,
                         Initializer kernelInit, Initializer biasInit, boolean useBias) implements LayerConfig {
        public Config {
            if (units < 1) throw new ConfigException("units", units, "an integer >= 1");
        }

        public static Config of(int units, ActivationFunction activation) {
            return new Config(units, activation, activation.defaultAlpha(), Initializer.GLOROT_UNIFORM, Initializer.ZEROS, true);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "units", "activation", "alpha", "kernel_init", "bias_init", "use_bias");
            ActivationFunction act = ActivationFunction.parse(c.field("activation"), c.string("activation", "identity"));
            return new Config(c.requireInt("units", 1, 1 << 24), act,
                    c.number("alpha", act.defaultAlpha(), 0, false, Double.MAX_VALUE),
                    Initializer.parse(c.field("kernel_init"), c.string("kernel_init", "glorot_uniform")),
                    Initializer.parse(c.field("bias_init"), c.string("bias_init", "zeros")),
                    c.bool("use_bias", true));
        }

        @Override
        public String type() {
            return "dense";
        }

        @Override
        public List<Layer> build(long seed) {
            return activation.after(new Dense(this), alpha);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type()).put("units", units);
            activation.writeJson(n, "activation", alpha);
            return n.put("kernel_init", kernelInit.jsonName()).put("bias_init", biasInit.jsonName()).put("use_bias", useBias);
        }
    }

    private final Config config;
    private INDArray weights, bias, weightGrad, biasGrad;
    private INDArray input, output, inputGrad;
    private final RowReductions rows = new RowReductions();
    private final GemmCall forwardProduct = new GemmCall(false, false, 1.0, 0.0);
    private final GemmCall weightGradProduct = new GemmCall(true, false, 1.0, 1.0);
    private final GemmCall inputGradProduct = new GemmCall(false, true, 1.0, 0.0);
    private long[] batchShape;

    public Dense(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "dense";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length == 0) throw new IllegalArgumentException("dense needs at least one input axis");
        long[] out = inputShape.clone();
        out[out.length - 1] = config.units;
        return out;
    }

    @Override
    public List<ParamSpec> params(long[] inputShape) {
        long in = inputShape[inputShape.length - 1];
        ParamSpec w = ParamSpec.weight("W", new long[] {in, config.units}, config.kernelInit, in, config.units);
        return config.useBias ? List.of(w, ParamSpec.bias("b", config.units, config.biasInit)) : List.of(w);
    }

    @Override
    public void bind(long[] inputShape, INDArray params, INDArray grads) {
        long in = inputShape[inputShape.length - 1];
        long nW = in * config.units;
        weights = params.get(interval(0, nW)).reshape('c', in, config.units);
        weightGrad = grads.get(interval(0, nW)).reshape('c', in, config.units);
        if (config.useBias) {
            bias = params.get(interval(nW, nW + config.units)).reshape(1, config.units);
            biasGrad = grads.get(interval(nW, nW + config.units)).reshape(1, config.units);
        }
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        // Rank 2 is the MLP path, untouched; higher ranks run the same GEMMs on a [B·T, in] view.
        batchShape = x.rank() == 2 ? null : x.shape();
        input = batchShape == null ? x : x.reshape('c', x.length() / x.size(x.rank() - 1), x.size(x.rank() - 1));
        output = Buffers.reuse(output, x.dataType(), input.size(0), config.units);
        forwardProduct.run(input, weights, output);
        if (config.useBias) {
            if (Elementwise.applies(bias, output)) Elementwise.addRowToEachRow(bias, output);
            else output.addiRowVector(bias);
        }
        return batchShape == null ? output : output.reshape('c', withLast(batchShape, config.units));
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        INDArray dY = batchShape == null ? gradOutput : gradOutput.reshape('c', input.size(0), config.units);
        // dW += xᵀ·dY ; db += 1ᵀ·dY (a GEMM into the gradient: a third of sum-then-add's time) ; dX = dY·Wᵀ
        weightGradProduct.run(input, dY, weightGrad);
        if (config.useBias) {
            if (Elementwise.applies(dY, biasGrad)) Elementwise.addColumnSums(dY, biasGrad);
            else rows.addColumnSums(dY, biasGrad);
        }
        if (!needInputGradient) return null;
        inputGrad = Buffers.reuse(inputGrad, dY.dataType(), dY.size(0), weights.size(0));
        inputGradProduct.run(dY, weights, inputGrad);
        return batchShape == null ? inputGrad : inputGrad.reshape('c', batchShape);
    }

    private static long[] withLast(long[] shape, long last) {
        long[] s = shape.clone();
        s[s.length - 1] = last;
        return s;
    }

    static org.nd4j.linalg.indexing.INDArrayIndex interval(long from, long to) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
    }
}
