package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * What the recurrent layers share: the input projection of all steps in one GEMM, the last step or
 * the whole sequence as output, and after back-propagation through time the weight and input
 * gradients of all steps in one GEMM each. A subclass supplies the cell's recurrence.
 *
 * <p>Shapes: x [B, T, F] → y [B, H] (last step) or [B, T, H] (return_sequences); kernel W [G, F, H],
 * recurrent kernel U [G, H, H], bias b [G, H]: one [F, H], [H, H] and [H] block per gate (G gates).
 * Inside, each gate has its own time-major array [T, B, H]: every step of every gate is a contiguous
 * [B, H] slice, because libnd4j's element-wise ops on strided views are an order of magnitude slower.
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
    private INDArray[] kernels, recurrentKernels, biases, kernelGrads, recurrentGrads, biasGrads;
    /** Per gate, the pre-activations x_t·W + b (halved for sigmoid gates), then, as the cell overwrites them, the activations. */
    protected TimeSteps[] gates;
    /** Bias gradients as a GEMM against ones: a [T·B, H] sum along rows was several times slower. */
    protected final RowReductions rows = new RowReductions();
    /** h_{t−1} at step t: [T + 1, B, H] with h₋₁ = 0 in slot 0, so slots 0..T−1 are every step's recurrent input. */
    protected TimeSteps hidden;
    /** dLoss/dh_t: [T, B, H], first the output's gradient, then the recurrent part added by the cell. */
    protected TimeSteps hiddenGrad;
    /** Per gate, dLoss/d(pre-activation): written by the cell. */
    protected TimeSteps[] gateGrads;
    private INDArray inputT, output, inputGradT, inputGrad;
    /**
     * The per-step recurrent products' kept GEMM contexts, by gate and step ({@link GemmCall}): the step views are
     * kept too ({@link TimeSteps}), so each binds once per batch shape instead of building an op every call
     * (LSTM: 8 per step, 224 a batch at 28 steps).
     */
    private GemmCall[][] stepProducts, stepGradProducts;
    /** The whole-sequence GEMMs' kept contexts, per gate: x·W_g, dW_g, dU_g and dX (their arrays are kept across steps). */
    private GemmCall[] projections, kernelGradProducts, recurrentGradProducts, inputGradProducts;

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
        kernels = blocks(params, 0, f, units);
        kernelGrads = blocks(grads, 0, f, units);
        recurrentKernels = blocks(params, nW, units, units);
        recurrentGrads = blocks(grads, nW, units, units);
        biases = blocks(params, nW + nU, 1, units);
        biasGrads = blocks(grads, nW + nU, 1, units);
        long end = nW + nU + nB;
        if (params.length() > end) {
            bindExtra(params.get(NDArrayIndex.interval(end, params.length())), grads.get(NDArrayIndex.interval(end, grads.length())));
        }
    }

    /** G consecutive [rows, cols] views starting at {@code offset} of a flat buffer. */
    private INDArray[] blocks(INDArray flat, long offset, long rows, long cols) {
        return IntStream.range(0, gateCount).mapToObj(g -> flat.get(NDArrayIndex.interval(offset + g * rows * cols,
                offset + (g + 1) * rows * cols)).reshape('c', rows, cols)).toArray(INDArray[]::new);
    }

    /** Gate g's bias b_g, [1, H] (a view of the parameters). */
    protected final INDArray bias(int g) {
        return biases[g];
    }

    /**
     * Whether the cell adds b itself and takes the sigmoid gates' pre-activations whole, so that the projection is
     * x·W alone; otherwise (the default) it arrives as x·W + b, halved for the sigmoid gates ({@link GateMath}).
     */
    protected boolean cellAddsBias() {
        return false;
    }

    /** Binds parameters after b, if the cell has any. */
    protected void bindExtra(INDArray params, INDArray grads) {
    }

    /**
     * For all steps at once, each gate's activation derivative from its output a: σ' = a − a² for the
     * sigmoid gates, tanh' = 1 − a² for the others; the cells multiply in their own factors.
     */
    protected final void activationDerivatives(TimeSteps[] factors, int time, long batch, DataType type) {
        for (int k = 0; k < gateCount; k++) {
            factors[k] = TimeSteps.reuse(factors[k], type, time, batch, units);
            INDArray a = gates[k].all(), d = factors[k].all();
            a.mul(a, d);
            if (sigmoidGate(k)) a.sub(d, d); else d.rsubi(1.0);
        }
    }

    /** Whether gate g is a sigmoid gate, whose pre-activations are kept halved unless the cell adds b (see {@link GateMath}). */
    protected abstract boolean sigmoidGate(int g);

    @Override
    public INDArray forward(INDArray x, boolean training) {
        long batch = x.size(0), time = x.size(1), features = x.size(2);
        DataType type = x.dataType();
        inputT = Buffers.reuse(inputT, type, time, batch, features);
        inputT.assign(x.permute(1, 0, 2));
        INDArray xFlat = inputT.reshape('c', time * batch, features);
        if (gates == null) {
            gates = new TimeSteps[gateCount];
            projections = calls(false, false, 0.0);
        }
        for (int g = 0; g < gateCount; g++) {
            // x_t·W (+ b) for every step in one GEMM; the cell adds h_{t−1}·U step by step.
            gates[g] = TimeSteps.reuse(gates[g], type, time, batch, units);
            INDArray a = gates[g].flat();
            projections[g].run(xFlat, kernels[g], a);
            if (cellAddsBias()) continue;
            a.addiRowVector(biases[g]);
            if (sigmoidGate(g)) a.muli(0.5);
        }
        hidden = TimeSteps.reuse(hidden, type, time + 1, batch, units);
        hidden.at(0).assign(0);
        forwardSteps((int) time, batch, type);
        if (!config.returnSequences) return hidden.at((int) time);
        output = Buffers.reuse(output, type, batch, time, units);
        return output.assign(hidden.steps(1, time + 1).permute(1, 0, 2));
    }

    /** One kept GEMM call per gate. */
    private GemmCall[] calls(boolean transposeA, boolean transposeB, double beta) {
        return IntStream.range(0, gateCount).mapToObj(g -> new GemmCall(transposeA, transposeB, 1.0, beta)).toArray(GemmCall[]::new);
    }

    /** {@code target += h_{t−1}·U_g}, halved for a sigmoid gate unless the cell adds b; nothing at t = 0, where h₋₁ = 0. */
    protected void addRecurrent(int g, int t, INDArray target) {
        if (t == 0) return;
        if (stepProducts == null) stepProducts = new GemmCall[gateCount][0];
        double alpha = sigmoidGate(g) && !cellAddsBias() ? 0.5 : 1.0;
        stepCall(stepProducts, g, t, false, alpha).run(hidden.at(t), recurrentKernels[g], target);
    }

    /** {@code dh += dq·U_gᵀ}: the gradient that reaches h_{t−1} (step {@code t} of the hidden gradients) through gate g's recurrent product. */
    protected void addRecurrentGrad(int g, int t, INDArray dq, INDArray dh) {
        if (stepGradProducts == null) stepGradProducts = new GemmCall[gateCount][0];
        stepCall(stepGradProducts, g, t, true, 1.0).run(dq, recurrentKernels[g], dh);
    }

    /** Gate g's call at step t, made at first use (a longer sequence grows the row). */
    private static GemmCall stepCall(GemmCall[][] calls, int g, int t, boolean transposeB, double alpha) {
        if (t >= calls[g].length) calls[g] = java.util.Arrays.copyOf(calls[g], t + 1);
        if (calls[g][t] == null) calls[g][t] = new GemmCall(false, transposeB, alpha, 1.0);
        return calls[g][t];
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        long time = inputT.size(0), batch = inputT.size(1), features = inputT.size(2);
        DataType type = gradOutput.dataType();
        hiddenGrad = TimeSteps.reuse(hiddenGrad, type, time, batch, units);
        if (gateGrads == null) gateGrads = new TimeSteps[gateCount];
        for (int g = 0; g < gateCount; g++) gateGrads[g] = TimeSteps.reuse(gateGrads[g], type, time, batch, units);
        if (config.returnSequences) {
            hiddenGrad.all().assign(gradOutput.permute(1, 0, 2));
        } else {
            hiddenGrad.all().assign(0);
            hiddenGrad.at((int) time - 1).assign(gradOutput);
        }
        backwardSteps((int) time, batch, type);
        // Weight gradients of all steps at once: dW_g += Xᵀ·dA_g, dU_g += H_prevᵀ·dq_g, db_g += Σ dA_g;
        // dU over steps 1..T−1 only, since h₋₁ = 0.
        if (kernelGradProducts == null) {
            kernelGradProducts = calls(true, false, 1.0);
            recurrentGradProducts = calls(true, false, 1.0);
        }
        INDArray x = inputT.reshape('c', time * batch, features), hPrev = time > 1 ? hidden.stepsFlat(1, time) : null;
        for (int g = 0; g < gateCount; g++) {
            INDArray dA = gateGrads[g].flat();
            kernelGradProducts[g].run(x, dA, kernelGrads[g]);
            if (hPrev != null) recurrentGradProducts[g].run(hPrev, recurrentPreActivationGrad(g).stepsFlat(1, time), recurrentGrads[g]);
            rows.addColumnSums(dA, biasGrads[g]);
        }
        accumulateExtra();
        if (!needInputGradient) return null;
        inputGradT = Buffers.reuse(inputGradT, type, time, batch, features);
        INDArray dx = inputGradT.reshape('c', time * batch, features);
        if (inputGradProducts == null) {
            inputGradProducts = calls(false, true, 1.0);
            inputGradProducts[0] = new GemmCall(false, true, 1.0, 0.0);   // the first gate's product sets dX, the others add
        }
        for (int g = 0; g < gateCount; g++) inputGradProducts[g].run(gateGrads[g].flat(), kernels[g], dx);
        inputGrad = Buffers.reuse(inputGrad, type, batch, time, features);
        return inputGrad.assign(inputGradT.permute(1, 0, 2));
    }

    /** dLoss/d(h_{t−1}·U_g) over all steps; the gate's gradient unless the cell separates them (GRU's candidate). */
    protected TimeSteps recurrentPreActivationGrad(int g) {
        return gateGrads[g];
    }

    /** Adds gradients of the parameters bound in {@link #bindExtra}. */
    protected void accumulateExtra() {
    }

    /** Runs the recurrence: reads gates (x_t·W + b), writes hidden slots 1..T and anything backward needs. */
    protected abstract void forwardSteps(int time, long batch, DataType type);

    /** Back-propagates through time: reads hiddenGrad (adding the recurrent part to it), writes gateGrads. */
    protected abstract void backwardSteps(int time, long batch, DataType type);
}
