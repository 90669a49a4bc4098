package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;

/**
 * 2-D convolution over NCHW images: with few input channels at stride 1 in float, a direct convolution on a padded copy
 * ({@link ConvKernel}); otherwise (double, as in the gradient checks, strides, more channels) libnd4j's conv2d / conv2d_bp.
 * Shapes: x [B, C, H, W], W [kH, kW, C, F] (libnd4j's weight format 0), b [F], y [B, F, H', W'].
 */
public final class Conv2D implements Layer {

    /** {@code {"type":"conv2d","filters":32,"kernel_size":5,"strides":1,"padding":"same","dilation":1,"activation":"relu"}}. */
    public record Config(int filters, ConvGeometry geometry, ActivationFunction activation, double alpha,
                         Initializer kernelInit, boolean useBias) implements LayerConfig {
        /** A square kernel at stride 1 with bias and Glorot-uniform weights, for the Java builder. */
        public static Config of(int filters, int kernelSize, String padding, ActivationFunction activation) {
            return new Config(filters, ConvGeometry.square(kernelSize, 1, padding), activation, activation.defaultAlpha(),
                    Initializer.GLOROT_UNIFORM, true);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "filters", "kernel_size", "strides", "padding", "dilation", "activation", "alpha", "kernel_init", "use_bias");
            ActivationFunction act = ActivationFunction.parse(c.field("activation"), c.string("activation", "identity"));
            return new Config(c.requireInt("filters", 1, 1 << 16), ConvGeometry.fromJson(c, "kernel_size", 0, 1), act,
                    c.number("alpha", act.defaultAlpha(), 0, false, Double.MAX_VALUE),
                    Initializer.parse(c.field("kernel_init"), c.string("kernel_init", "glorot_uniform")), c.bool("use_bias", true));
        }

        @Override
        public String type() {
            return "conv2d";
        }

        /** ReLU is part of the layer (fused into the few-channel kernel's passes); other activations follow it as layers. */
        @Override
        public List<Layer> build(long seed) {
            return activation == ActivationFunction.RELU ? List.of(new Conv2D(this)) : activation.after(new Conv2D(this), alpha);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type()).put("filters", filters);
            geometry.writeJson(n, "kernel_size");
            activation.writeJson(n, "activation", alpha);
            return n.put("kernel_init", kernelInit.jsonName()).put("use_bias", useBias);
        }
    }

    private final Config config;
    /** The fused ReLU where the config asks for one, for the paths outside the kernel; null otherwise. */
    private final Nonlinearity relu;
    private INDArray weights, bias, weightGrad, biasGrad, zeroBias;
    private INDArray input, output, inputGrad, weightGradStep, biasGradStep, cols, perSample, reluGrad;
    private ConvKernel kernel;

    public Conv2D(Config config) {
        this.config = config;
        this.relu = config.activation == ActivationFunction.RELU ? Nonlinearity.relu() : null;
    }

    @Override
    public String name() {
        return "conv2d";
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException("conv2d expects [channels, height, width] per sample but got " + Arrays.toString(in)
                    + "; set model.input_shape to e.g. [1, 28, 28]");
        }
        ConvGeometry g = config.geometry;
        long h = g.outH(in[1]), w = g.outW(in[2]);
        if (h < 1 || w < 1) throw new IllegalArgumentException("conv2d's kernel does not fit a " + in[1] + "×" + in[2] + " input");
        return new long[] {config.filters, h, w};
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        ConvGeometry g = config.geometry;
        long fanIn = in[0] * g.kernelH() * g.kernelW(), fanOut = (long) config.filters * g.kernelH() * g.kernelW();
        ParamSpec w = ParamSpec.weight("W", new long[] {g.kernelH(), g.kernelW(), in[0], config.filters}, config.kernelInit, fanIn, fanOut);
        return config.useBias ? List.of(w, ParamSpec.bias("b", config.filters, Initializer.ZEROS)) : List.of(w);
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        ConvGeometry g = config.geometry;
        long[] shape = {g.kernelH(), g.kernelW(), in[0], config.filters};
        long nW = Buffers.product(shape);
        weights = params.get(NDArrayIndex.interval(0, nW)).reshape('c', shape);
        weightGrad = grads.get(NDArrayIndex.interval(0, nW)).reshape('c', shape);
        if (config.useBias) {
            bias = params.get(NDArrayIndex.interval(nW, nW + config.filters)).reshape(config.filters);
            biasGrad = grads.get(NDArrayIndex.interval(nW, nW + config.filters)).reshape(config.filters);
        } else {
            zeroBias = Nd4j.zeros(params.dataType(), config.filters);
        }
    }

    // Outputs go into arrays reused across steps: a fresh multi-megabyte array per call costs page faults
    // on first touch, which is a large share of the first layer's time.
    @Override
    public INDArray forward(INDArray x, boolean training) {
        input = x;
        output = Buffers.reuse(output, x.dataType(), Buffers.withBatch(x.size(0), outputShape(Arrays.copyOfRange(x.shape(), 1, 4))));
        if (ConvKernel.applies(config.geometry, x, weights, bias, weightGrad, biasGrad)) {
            if (kernel == null) kernel = new ConvKernel(config.geometry, config.filters);
            kernel.forward(x, weights, bias, relu != null, output);
            return output;
        }
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, weights, config.useBias ? bias : zeroBias)
                .addOutputs(output).addIntegerArguments(config.geometry.opArgs(0, 0)).build());
        if (relu != null) relu.forward(output, output, training);
        return output;
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (ConvKernel.applies(config.geometry, input, weights, bias, weightGrad, biasGrad, gradOutput)) {
            INDArray dx = needInputGradient ? (inputGrad = Buffers.reuse(inputGrad, input.dataType(), input.shape())) : null;
            kernel.backward(gradOutput, relu != null, weightGrad, biasGrad, dx);
            return dx;
        }
        if (relu != null) {
            // ReLU's derivative from its output: y > 0 exactly where the pre-activation was.
            reluGrad = Buffers.reuse(reluGrad, output.dataType(), output.shape());
            gradOutput = relu.backward(output, gradOutput, reluGrad);
        }
        if (!needInputGradient) {
            weightGradientOnly(gradOutput);
            return null;
        }
        inputGrad = Buffers.reuse(inputGrad, input.dataType(), input.shape());
        weightGradStep = Buffers.reuse(weightGradStep, input.dataType(), weightGrad.shape());
        biasGradStep = Buffers.reuse(biasGradStep, input.dataType(), config.filters);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(input, weights, config.useBias ? bias : zeroBias, gradOutput)
                .addOutputs(inputGrad, weightGradStep, biasGradStep).addIntegerArguments(config.geometry.opArgs(0, 0)).build());
        weightGrad.addi(weightGradStep);
        if (config.useBias) biasGrad.addi(biasGradStep);
        return inputGrad;
    }

    /**
     * dW without dX, for a first layer: conv2d_bp always computes dX too, and with few input channels its
     * oneDNN backward-data pass dominates (with 1 channel this path takes about half conv2d_bp's time).
     * dWᵀ[F, C·kH·kW] = Σ_b dY_b[F, H'·W'] · cols_b[C·kH·kW, H'·W']ᵀ with cols = im2col(x): one batched GEMM.
     */
    private void weightGradientOnly(INDArray gradOutput) {
        ConvGeometry g = config.geometry;
        long b = input.size(0), c = input.size(1), k = c * g.kernelH() * g.kernelW();
        long oH = gradOutput.size(2), oW = gradOutput.size(3);
        cols = Buffers.reuse(cols, input.dataType(), b, c, g.kernelH(), g.kernelW(), oH, oW);
        Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(input).addOutputs(cols)
                .addIntegerArguments(g.explicitPaddingArgs(input.size(2), input.size(3))).build());
        INDArray dy = (gradOutput.ordering() == 'c' ? gradOutput : gradOutput.dup('c')).reshape('c', b, config.filters, oH * oW);
        perSample = Buffers.reuse(perSample, input.dataType(), b, config.filters, k);
        Nd4j.matmul(dy, cols.reshape('c', b, k, oH * oW), perSample, false, true, false);
        // Σ_b, then [F, C, kH, kW] → the weight layout [kH, kW, C, F]
        weightGrad.addi(perSample.sum(0).reshape('c', config.filters, c, g.kernelH(), g.kernelW()).permute(2, 3, 1, 0));
        if (config.useBias) biasGrad.addi(dy.sum(2).sum(0));   // contiguous axis first: faster than sum(0, 2, 3)
    }
}
