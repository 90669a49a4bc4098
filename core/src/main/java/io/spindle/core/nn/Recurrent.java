package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.StepMajor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What the recurrent layers share: the input projection of all steps in one GEMM, the last step or
 * the whole sequence as output, and after back-propagation through time the weight and input
 * gradients of all steps in one GEMM each. A subclass supplies the cell's recurrence.
 *
 * <p>Shapes: x [B, T, F] → y [B, H] (last step) or [B, T, H] (return_sequences); kernel W [G, F, H],
 * recurrent kernel U [G, H, H], bias b [G, H]: one [F, H], [H, H] and [H] block per gate (G gates).
 * Inside, the gates lie side by side: one time-major array [T, B, G·H] whose rows hold the G blocks one after another,
 * with W and U copied into the same layout ({@link GateWeights}), so that one GEMM covers every gate: the projection,
 * each step's recurrent product each way, and the weight and input gradients. Each step is a contiguous [B, G·H] slice;
 * the float cells read a gate's block by its offset in the row, the double paths through strided views. The time-major
 * input [T, B, F + 1] ends each row with a 1 and W's copy has b as one more row, so the projection adds b and dW's GEMM
 * gives db.
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
    private final int gateCount;
    /** W (with b as its last row) and U, side by side. */
    private GateWeights kernel, recurrentKernel;
    /** Pre-activations [T, B, G·H]: x_t·W + b, to which the cell adds h_{t−1}·U; then, as the cell overwrites them, the activations. */
    protected TimeSteps gates;
    /** Column sums as a GEMM against ones, for a cell's extra bias: a [T·B, H] sum along rows was several times slower. */
    protected final RowReductions rows = new RowReductions();
    /** h_{t−1} at step t: [T + 1, B, H] with h₋₁ = 0 in slot 0, so slots 0..T−1 are every step's recurrent input. */
    protected TimeSteps hidden;
    /** dLoss/dh_t: [T, B, H], first the output's gradient, then the recurrent part added by the cell. */
    protected TimeSteps hiddenGrad;
    /** dLoss/d(pre-activation) [T, B, G·H], laid out as the gates: written by the cell. */
    protected TimeSteps gateGrads;
    /** x time-major with a column of ones, [T, B, F + 1]; dX in the same layout. */
    private INDArray inputT, inputGradT;
    private INDArray output, inputGrad;
    /**
     * Each step's recurrent product's kept GEMM context, forward and back ({@link GemmCall}): the step views are kept
     * too ({@link TimeSteps}), so each binds once per batch shape instead of building an op every call.
     */
    private GemmCall[] stepProducts = new GemmCall[0], stepGradProducts = new GemmCall[0];
    /** The whole-sequence GEMMs' kept contexts: x·W and dX. */
    private final GemmCall projection = new GemmCall(false, false, 1.0, 0.0), inputGradProduct = new GemmCall(false, true, 1.0, 0.0);

    protected Recurrent(Config config) {
        this.config = config;
        this.units = config.units;
        this.gateCount = config.kind.gates;
    }

    @Override
    public String name() {
        return config.kind.jsonName;
    }

    @Override
    public long[] outputShape(long[] in) {
        SequenceShape.require(name(), in);
        return config.returnSequences ? new long[] {in[0], units} : new long[] {units};
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        // Fans as Keras counts them on its [F, G·H] and [H, G·H] kernels, so the initial scale matches.
        long width = gateCount * units;
        List<ParamSpec> p = new ArrayList<>();
        p.add(ParamSpec.weight("W", new long[] {gateCount, in[1], units}, config.kernelInit, in[1], width));
        p.add(ParamSpec.weight("U", new long[] {gateCount, units, units}, config.recurrentInit, units, width));
        p.addAll(biasParams());
        return p;
    }

    /** The bias blocks, laid out one after another; together they form b [G, H] (and any cell-specific extra). */
    protected List<ParamSpec> biasParams() {
        return List.of(ParamSpec.bias("b", gateCount * units, config.biasInit));
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        long f = in[1], nW = gateCount * f * units, nU = gateCount * units * units, nB = gateCount * units;
        kernel = GateWeights.withBiasRow(params, grads, 0, gateCount, f, units, nW + nU);
        recurrentKernel = GateWeights.of(params, grads, nW, gateCount, units, units);
        long end = nW + nU + nB;
        if (params.length() > end) {
            bindExtra(params.get(NDArrayIndex.interval(end, params.length())), grads.get(NDArrayIndex.interval(end, grads.length())));
        }
    }

    /** Gate k's block of every step of {@code steps} (laid out as the gates), [T, B, H]: a strided view made per call, for the double paths. */
    protected final INDArray gate(TimeSteps steps, int k) {
        return steps.columns(k * units, (k + 1) * units);
    }

    /** Gate k's block of step t, [B, H]: a strided view made per call, for the double paths. */
    protected final INDArray gate(TimeSteps steps, int t, int k) {
        return steps.columns(t, k * units, (k + 1) * units);
    }

    /** Binds parameters after b, if the cell has any. */
    protected void bindExtra(INDArray params, INDArray grads) {
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        long batch = x.size(0), time = x.size(1), features = x.size(2);
        DataType type = x.dataType();
        INDArray in = Buffers.reuse(inputT, type, time, batch, features + 1);
        if (in != inputT) in.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(features)).assign(1);
        inputT = in;
        int bytes = type.width();
        INDArray source = Memory.isContiguous(x) ? x : x.dup('c');
        StepMajor.fromBatchMajor(Memory.of(source), Memory.of(inputT), (int) batch, (int) time, (int) features * bytes,
                (int) (features + 1) * bytes);
        Reference.reachabilityFence(source);   // a copy's memory lives only as long as its array
        gates = TimeSteps.reuse(gates, type, time, batch, gateCount * units);
        recurrentKernel.refresh();
        // x_t·W + b for every step and gate in one GEMM; the cell adds h_{t−1}·U step by step.
        projection.run(inputT.reshape('c', time * batch, features + 1), kernel.refresh(), gates.flat());
        hidden = TimeSteps.reuse(hidden, type, time + 1, batch, units);
        hidden.at(0).assign(0);
        forwardSteps((int) time, batch, type);
        if (!config.returnSequences) return hidden.at((int) time);
        output = Buffers.reuse(output, type, batch, time, units);
        return output.assign(hidden.steps(1, time + 1).permute(1, 0, 2));
    }

    /**
     * {@code target = beta·target + h_{t−1}·U} for every gate at once, target [B, G·H] laid out as the gates; nothing at
     * t = 0, where h₋₁ = 0. A layer passes the same beta at every step (the step's kept call is made with the first).
     */
    protected void recurrentProduct(int t, INDArray target, double beta) {
        if (t == 0) return;
        if (t >= stepProducts.length) stepProducts = Arrays.copyOf(stepProducts, t + 1);
        if (stepProducts[t] == null) stepProducts[t] = new GemmCall(false, false, 1.0, beta);
        stepProducts[t].run(hidden.at(t), recurrentKernel.sideBySide(), target);
    }

    /** {@code dh += dq·Uᵀ}, dq [B, G·H] laid out as the gates: the gradient that reaches h_{t−1} (step {@code t} of the hidden gradients) through the recurrent products. */
    protected void addRecurrentGrad(int t, INDArray dq, INDArray dh) {
        if (t >= stepGradProducts.length) stepGradProducts = Arrays.copyOf(stepGradProducts, t + 1);
        if (stepGradProducts[t] == null) stepGradProducts[t] = new GemmCall(false, true, 1.0, 1.0);
        stepGradProducts[t].run(dq, recurrentKernel.sideBySide(), dh);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        long time = inputT.size(0), batch = inputT.size(1), features = inputT.size(2) - 1;
        DataType type = gradOutput.dataType();
        hiddenGrad = TimeSteps.reuse(hiddenGrad, type, time, batch, units);
        gateGrads = TimeSteps.reuse(gateGrads, type, time, batch, gateCount * units);
        if (config.returnSequences) {
            hiddenGrad.all().assign(gradOutput.permute(1, 0, 2));
        } else {
            hiddenGrad.all().assign(0);
            hiddenGrad.at((int) time - 1).assign(gradOutput);
        }
        backwardSteps((int) time, batch, type);
        // Weight gradients of all steps and gates at once: dW += Xᵀ·dA and db += Σ dA in one GEMM (the column of ones),
        // dU += H_prevᵀ·dq; dU over steps 1..T−1 only, since h₋₁ = 0.
        INDArray dA = gateGrads.flat();
        kernel.accumulateGradient(inputT.reshape('c', time * batch, features + 1), dA);
        if (time > 1) recurrentKernel.accumulateGradient(hidden.stepsFlat(1, time), recurrentPreActivationGrads().stepsFlat(1, time));
        accumulateExtra();
        if (!needInputGradient) return null;
        inputGradT = Buffers.reuse(inputGradT, type, time, batch, features + 1);
        inputGradProduct.run(dA, kernel.sideBySide(), inputGradT.reshape('c', time * batch, features + 1));
        inputGrad = Buffers.reuse(inputGrad, type, batch, time, features);
        int bytes = type.width();
        StepMajor.toBatchMajor(Memory.of(inputGradT), Memory.of(inputGrad), (int) batch, (int) time, (int) features * bytes, (int) (features + 1) * bytes);
        return inputGrad;
    }

    /** dLoss/d(h_{t−1}·U) over all steps, laid out as the gates; the gates' gradients unless the cell separates them (GRU's candidate). */
    protected TimeSteps recurrentPreActivationGrads() {
        return gateGrads;
    }

    /** Adds gradients of the parameters bound in {@link #bindExtra}. */
    protected void accumulateExtra() {
    }

    /** Runs the recurrence: reads gates (x_t·W + b), writes hidden slots 1..T and anything backward needs. */
    protected abstract void forwardSteps(int time, long batch, DataType type);

    /** Back-propagates through time: reads hiddenGrad (adding the recurrent part to it), writes gateGrads. */
    protected abstract void backwardSteps(int time, long batch, DataType type);
}
