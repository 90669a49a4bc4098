package io.spindle.core.nn;

import io.spindle.core.kernel.LstmCell;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Long short-term memory. Per step, with gates [i, f, o, g] and a_k = x_t·W_k + h_{t−1}·U_k + b_k:
 * i, f, o = σ(a_i, a_f, a_o), g = tanh(a_g), c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t); h₋₁ = c₋₁ = 0.
 * Shapes: x [B, T, F], W [4, F, H], U [4, H, H], b [4, H]; y [B, H] (last step) or [B, T, H].
 * Per step, one [B,H]×[H,4H] GEMM forward, one
 * [B,4H]×[4H,H] back, and the element-wise work: in float Java passes ({@link LstmCell}), forward a few over the step
 * (each gate's activation, then the cell), backward one that computes each gate's derivative times the
 * other factor of its product as it goes; in double native ops on the gates' strided views, backward after passes
 * over the whole sequence that precompute those factors.
 */
public final class LSTM extends Recurrent {
    private static final int I = 0, F = 1, O = 2, G = 3;

    /** c_{t−1} at step t: [T + 1, B, H], c₋₁ = 0 in slot 0. */
    private TimeSteps cells;
    /** tanh(c_t): [T, B, H]. */
    private TimeSteps cellTanh;
    /** Backward in double, per gate: dA_k = (dc or, for o, dh) ⊙ factor_k; and dc_t gets dh_t ⊙ o ⊙ (1 − tanh² c_t). */
    private final TimeSteps[] factors = new TimeSteps[4];
    private TimeSteps cellFactor;
    private INDArray scratch, cellGrad;

    LSTM(Config config) {
        super(config);
    }

    /** Four blocks forming b: with unit_forget_bias (Keras' default) the forget gate starts at 1 so that memory is kept early on. */
    @Override
    protected List<ParamSpec> biasParams() {
        Initializer forget = config.unitForgetBias() ? Initializer.ONES : config.biasInit();
        return List.of(ParamSpec.bias("b_i", units, config.biasInit()), ParamSpec.bias("b_f", units, forget),
                ParamSpec.bias("b_o", units, config.biasInit()), ParamSpec.bias("b_g", units, config.biasInit()));
    }

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        cells = TimeSteps.reuse(cells, type, time + 1, batch, units);
        cellTanh = TimeSteps.reuse(cellTanh, type, time, batch, units);
        scratch = Buffers.reuse(scratch, type, batch, units);
        cells.at(0).assign(0);
        if (type == DataType.FLOAT) {
            for (int t = 0; t < time; t++) {
                recurrentProduct(t, gates.at(t), 1.0);
                LstmCell.forward(gates.memory(), cells.memory(), cellTanh.memory(), hidden.memory(), t, (int) batch, (int) units);
            }
            return;
        }
        for (int t = 0; t < time; t++) {
            INDArray a = gates.at(t);
            recurrentProduct(t, a, 1.0);
            INDArray i = gate(gates, t, I), f = gate(gates, t, F), o = gate(gates, t, O), g = gate(gates, t, G);
            Transforms.sigmoid(i, false);
            Transforms.sigmoid(f, false);
            Transforms.sigmoid(o, false);
            Transforms.tanh(g, false);
            INDArray c = cells.at(t + 1);
            f.mul(cells.at(t), c);
            c.addi(i.mul(g, scratch));
            GateMath.tanh(c, cellTanh.at(t));
            o.mul(cellTanh.at(t), hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        cellGrad = Buffers.reuse(cellGrad, type, batch, units);
        cellGrad.assign(0);
        if (type == DataType.FLOAT) {
            backwardStepsInJava(time, batch);
            return;
        }
        precomputeFactors(time, batch, type);
        for (int t = time - 1; t >= 0; t--) {
            INDArray dh = hiddenGrad.at(t);
            if (t < time - 1) addRecurrentGrad(t, gateGrads.at(t + 1), dh);
            // dc_t = dc carried from t+1 (already ⊙ f_{t+1}) + dh_t ⊙ o ⊙ (1 − tanh² c_t)
            cellGrad.addi(dh.mul(cellFactor.at(t), scratch));
            cellGrad.mul(factors[I].at(t), gate(gateGrads, t, I));
            cellGrad.mul(factors[F].at(t), gate(gateGrads, t, F));
            cellGrad.mul(factors[G].at(t), gate(gateGrads, t, G));
            dh.mul(factors[O].at(t), gate(gateGrads, t, O));
            cellGrad.muli(gate(gates, t, F));
        }
    }

    /**
     * The float steps: the recurrent product, then one pass of {@link LstmCell} a step, which computes each gate's
     * factor from the kept activations as it goes (no whole-sequence passes before the loop).
     */
    private void backwardStepsInJava(int time, long batch) {
        ByteBuffer carried = Memory.of(cellGrad);
        for (int t = time - 1; t >= 0; t--) {
            if (t < time - 1) addRecurrentGrad(t, gateGrads.at(t + 1), hiddenGrad.at(t));
            LstmCell.backward(hiddenGrad.memory(), gates.memory(), cells.memory(), cellTanh.memory(), carried, gateGrads.memory(),
                    t, (int) batch, (int) units);
        }
    }

    /** Double only, for all steps at once: i: σ'·g, f: σ'·c_{t−1}, o: σ'·tanh(c_t), g: tanh'·i (σ' = s − s², tanh' = 1 − g²); o ⊙ (1 − tanh² c_t). */
    private void precomputeFactors(int time, long batch, DataType type) {
        INDArray[] a = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            factors[k] = TimeSteps.reuse(factors[k], type, time, batch, units);
            a[k] = gate(gates, k);
            INDArray d = factors[k].all();
            a[k].mul(a[k], d);
            if (k == G) d.rsubi(1.0); else a[k].sub(d, d);
        }
        factors[I].all().muli(a[G]);
        factors[F].all().muli(cells.steps(0, time));
        factors[O].all().muli(cellTanh.all());
        factors[G].all().muli(a[I]);
        cellFactor = TimeSteps.reuse(cellFactor, type, time, batch, units);
        INDArray tc = cellTanh.all();
        tc.mul(tc, cellFactor.all()).rsubi(1.0).muli(a[O]);
    }
}
