package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What the recurrent layers share: the input projection of all steps in one GEMM, the last step or
 * the whole sequence as output, and after back-propagation through time the weight and input
 * gradients of all steps in one GEMM each. A subclass supplies the cell's recurrence.
 *
 * <p>Shapes: x [B, T, F] → y [B, H] (last step) or [B, T, H] (return_sequences); kernel W [F, G·H],
 * recurrent kernel U [H, G·H], bias b [G·H], with G gate blocks of H columns each. Inside, arrays are
 * time-major [T, B, ·] so that every step is a contiguous slice.
 */
public abstract class Recurrent implements Layer {

    /** Which cell; {@code gates} is how many H-wide blocks its kernels have. */
    public enum Kind {
        SIMPLE_RNN("simple_rnn", 1, SimpleRNN::new), LSTM("lstm", 4, LSTM::new), GRU("gru", 3, GRU::new);

        final String jsonName;
        final int gates;
        private final Function<Config, Recurrent> factory;

        Kind(String jsonName, int gates, Function<Config, Recurrent> factory) {
            this.jsonName = jsonName;
            this.gates = gates;
            this.factory = factory;
        }
    }

    /**
     * {@code {"type":"lstm","units":128,"return_sequences":false,"kernel_init":"glorot_uniform",
     * "recurrent_init":"glorot_uniform","bias_init":"zeros","unit_forget_bias":true}} ({@code unit_forget_bias}: lstm only).
     */
    public record Config(Kind kind, int units, boolean returnSequences, Initializer kernelInit,
                         Initializer recurrentInit, Initializer biasInit, boolean unitForgetBias) implements LayerConfig {
        public Config {
            if (units < 1) throw new ConfigException("units", units, "an integer >= 1");
            if (unitForgetBias && kind != Kind.LSTM) throw new ConfigException("unit_forget_bias", true, "false: only lstm has a forget gate");
        }

        /** Keras' defaults, except that the recurrent kernel starts glorot-uniform rather than orthogonal. */
        public static Config of(Kind kind, int units, boolean returnSequences) {
            return new Config(kind, units, returnSequences, Initializer.GLOROT_UNIFORM, Initializer.GLOROT_UNIFORM,
                    Initializer.ZEROS, kind == Kind.LSTM);
        }

        static Config fromJson(ConfigNode c, Kind kind) {
            List<String> known = new ArrayList<>(List.of("type", "units", "return_sequences", "kernel_init", "recurrent_init", "bias_init"));
            if (kind == Kind.LSTM) known.add("unit_forget_bias");
            c.rejectUnknown(known.toArray(new String[0]));
            return new Config(kind, c.requireInt("units", 1, 1 << 20), c.bool("return_sequences", false),
                    Initializer.parse(c.field("kernel_init"), c.string("kernel_init", "glorot_uniform")),
                    Initializer.parse(c.field("recurrent_init"), c.string("recurrent_init", "glorot_uniform")),
                    Initializer.parse(c.field("bias_init"), c.string("bias_init", "zeros")),
                    kind == Kind.LSTM && c.bool("unit_forget_bias", true));
        }

        @Override
        public String type() {
            return kind.jsonName;
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(kind.factory.apply(this));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type()).put("units", units)
                    .put("return_sequences", returnSequences).put("kernel_init", kernelInit.jsonName())
                    .put("recurrent_init", recurrentInit.jsonName()).put("bias_init", biasInit.jsonName());
            return kind == Kind.LSTM ? n.put("unit_forget_bias", unitForgetBias) : n;
        }
    }

    protected final Config config;
    protected final long units;
    private final long width;
    protected INDArray kernel, recurrentKernel, bias, kernelGrad, recurrentGrad, biasGrad;
    /** Gate pre-activations, then (as the cell overwrites them) activations: [T, B, G·H]. */
    protected TimeSteps gates;
    /** h_{t−1} at step t: [T + 1, B, H] with h₋₁ = 0 in slot 0, so slots 0..T−1 are every step's recurrent input. */
    protected TimeSteps hidden;
    /** dLoss/dh_t: [T, B, H], first the output's gradient, then the recurrent part added by the cell. */
    protected TimeSteps hiddenGrad;
    /** dLoss/d(gate pre-activation): [T, B, G·H], written by the cell. */
    protected TimeSteps gateGrad;
    private INDArray inputT, output, inputGradT, inputGrad;

    protected Recurrent(Config config) {
        this.config = config;
        this.units = config.units;
        this.width = (long) config.kind.gates * config.units;
    }

    @Override
    public String name() {
        return config.kind.jsonName;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 2) {
            throw new IllegalArgumentException(name() + " expects [time, features] per sample but got " + Arrays.toString(in)
                    + "; set model.input_shape to e.g. [28, 28] or add a reshape layer before it");
        }
        return config.returnSequences ? new long[] {in[0], units} : new long[] {units};
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        List<ParamSpec> p = new ArrayList<>();
        p.add(ParamSpec.weight("W", new long[] {in[1], width}, config.kernelInit, in[1], width));
        p.add(ParamSpec.weight("U", new long[] {units, width}, config.recurrentInit, units, width));
        p.addAll(biasParams());
        return p;
    }

    /** The bias blocks, laid out one after another; together they form b [G·H] (and any cell-specific extra). */
    protected List<ParamSpec> biasParams() {
        return List.of(ParamSpec.bias("b", width, config.biasInit));
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        long nW = in[1] * width, nU = units * width;
        kernel = params.get(NDArrayIndex.interval(0, nW)).reshape('c', in[1], width);
        kernelGrad = grads.get(NDArrayIndex.interval(0, nW)).reshape('c', in[1], width);
        recurrentKernel = params.get(NDArrayIndex.interval(nW, nW + nU)).reshape('c', units, width);
        recurrentGrad = grads.get(NDArrayIndex.interval(nW, nW + nU)).reshape('c', units, width);
        long b = nW + nU;
        bias = params.get(NDArrayIndex.interval(b, b + width)).reshape(1, width);
        biasGrad = grads.get(NDArrayIndex.interval(b, b + width)).reshape(1, width);
        if (params.length() > b + width) {
            bindExtra(params.get(NDArrayIndex.interval(b + width, params.length())), grads.get(NDArrayIndex.interval(b + width, grads.length())));
        }
    }

    /** Binds parameters after b, if the cell has any. */
    protected void bindExtra(INDArray params, INDArray grads) {
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        long batch = x.size(0), time = x.size(1), features = x.size(2);
        DataType type = x.dataType();
        inputT = Buffers.reuse(inputT, type, time, batch, features);
        inputT.assign(x.permute(1, 0, 2));
        gates = TimeSteps.reuse(gates, type, time, batch, width);
        hidden = TimeSteps.reuse(hidden, type, time + 1, batch, units);
        hidden.at(0).assign(0);
        // a_t = x_t·W + b for every step in one GEMM; the cell adds h_{t−1}·U step by step.
        INDArray a = gates.flat();
        Nd4j.gemm(inputT.reshape('c', time * batch, features), kernel, a, false, false, 1.0, 0.0);
        a.addiRowVector(bias);
        forwardSteps((int) time, batch, type);
        if (!config.returnSequences) return hidden.at((int) time);
        output = Buffers.reuse(output, type, batch, time, units);
        return output.assign(hidden.steps(1, time + 1).permute(1, 0, 2));
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        long time = inputT.size(0), batch = inputT.size(1), features = inputT.size(2);
        DataType type = gradOutput.dataType();
        hiddenGrad = TimeSteps.reuse(hiddenGrad, type, time, batch, units);
        gateGrad = TimeSteps.reuse(gateGrad, type, time, batch, width);
        if (config.returnSequences) {
            hiddenGrad.all().assign(gradOutput.permute(1, 0, 2));
        } else {
            hiddenGrad.all().assign(0);
            hiddenGrad.at((int) time - 1).assign(gradOutput);
        }
        backwardSteps((int) time, batch, type);
        // Weight gradients of all steps at once: dW += Xᵀ·dA, dU += H_prevᵀ·dR, db += Σ dA.
        INDArray x = inputT.reshape('c', time * batch, features), dA = gateGrad.flat(), dR = recurrentPreActivationGrad();
        Nd4j.gemm(x, dA, kernelGrad, true, false, 1.0, 1.0);
        Nd4j.gemm(hidden.stepsFlat(0, time), dR, recurrentGrad, true, false, 1.0, 1.0);
        biasGrad.addi(dA.sum(true, 0));
        accumulateExtra(dR);
        if (!needInputGradient) return null;
        inputGradT = Buffers.reuse(inputGradT, type, time, batch, features);
        Nd4j.gemm(dA, kernel, inputGradT.reshape('c', time * batch, features), false, true, 1.0, 0.0);
        inputGrad = Buffers.reuse(inputGrad, type, batch, time, features);
        return inputGrad.assign(inputGradT.permute(1, 0, 2));
    }

    /** dLoss/d(h_{t−1}·U + …) over all steps, [T·B, G·H]; the gate gradient unless the cell separates them (GRU). */
    protected INDArray recurrentPreActivationGrad() {
        return gateGrad.flat();
    }

    /** Adds gradients of the parameters bound in {@link #bindExtra}. */
    protected void accumulateExtra(INDArray recurrentPreActivationGrad) {
    }

    /** Runs the recurrence: reads gates (x_t·W + b), writes hidden slots 1..T and anything backward needs. */
    protected abstract void forwardSteps(int time, long batch, DataType type);

    /** Back-propagates through time: reads hiddenGrad (adding the recurrent part to it), writes gateGrad. */
    protected abstract void backwardSteps(int time, long batch, DataType type);

    /** The H-wide block {@code gate} of every step, [T, B, H]. */
    protected INDArray gateBlock(TimeSteps s, int gate) {
        return s.columns(gate * units, (gate + 1) * units);
    }

    /** The H-wide block {@code gate} of each step, [B, H] per step. */
    protected INDArray[] gateSteps(TimeSteps s, int gate) {
        return s.stepColumns(gate * units, (gate + 1) * units);
    }
}
