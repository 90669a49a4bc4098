package io.spindle.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * Long short-term memory. Per step, with a = x_t·W + h_{t−1}·U + b split into gate blocks [i, f, o, g]:
 * i, f, o = σ(a_i, a_f, a_o), g = tanh(a_g), c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t); h₋₁ = c₋₁ = 0.
 * Shapes: x [B, T, F], W [F, 4H], U [H, 4H], b [4H]; y [B, H] (last step) or [B, T, H].
 * The three sigmoid gates are adjacent so one op activates them; backward precomputes, for all steps
 * at once, each gate's derivative times the other factor of its product, leaving ~7 small ops per step.
 */
public final class LSTM extends Recurrent {
    private static final int I = 0, F = 1, O = 2, G = 3;

    /** c_{t−1} at step t: [T + 1, B, H], c₋₁ = 0 in slot 0. */
    private TimeSteps cells;
    /** tanh(c_t): [T, B, H]. */
    private TimeSteps cellTanh;
    /** Backward: dA_gate = (dc or dh) ⊙ factor, [T, B, 4H]; and dc_t gets dh_t ⊙ o ⊙ (1 − tanh² c_t), [T, B, H]. */
    private TimeSteps factors, cellFactor;
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
        INDArray[] sigmoids = gates.stepColumns(0, 3 * units);
        INDArray[] i = gateSteps(gates, I), f = gateSteps(gates, F), o = gateSteps(gates, O), g = gateSteps(gates, G);
        for (int t = 0; t < time; t++) {
            Nd4j.gemm(hidden.at(t), recurrentKernel, gates.at(t), false, false, 1.0, 1.0);
            Transforms.sigmoid(sigmoids[t], false);
            Transforms.tanh(g[t], false);
            INDArray c = cells.at(t + 1);
            f[t].mul(cells.at(t), c);
            c.addi(i[t].mul(g[t], scratch));
            Nd4j.exec(new Tanh(c, cellTanh.at(t)));
            o[t].mul(cellTanh.at(t), hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        precomputeFactors(time, batch, type);
        cellGrad = Buffers.reuse(cellGrad, type, batch, units);
        cellGrad.assign(0);
        INDArray[] f = gateSteps(gates, F);
        INDArray[] kI = gateSteps(factors, I), kF = gateSteps(factors, F), kO = gateSteps(factors, O), kG = gateSteps(factors, G);
        INDArray[] dI = gateSteps(gateGrad, I), dF = gateSteps(gateGrad, F), dO = gateSteps(gateGrad, O), dG = gateSteps(gateGrad, G);
        for (int t = time - 1; t >= 0; t--) {
            INDArray dh = hiddenGrad.at(t);
            if (t < time - 1) Nd4j.gemm(gateGrad.at(t + 1), recurrentKernel, dh, false, true, 1.0, 1.0);
            // dc_t = dc carried from t+1 (already ⊙ f_{t+1}) + dh_t ⊙ o ⊙ (1 − tanh² c_t)
            cellGrad.addi(dh.mul(cellFactor.at(t), scratch));
            cellGrad.mul(kI[t], dI[t]);
            cellGrad.mul(kF[t], dF[t]);
            cellGrad.mul(kG[t], dG[t]);
            dh.mul(kO[t], dO[t]);
            cellGrad.muli(f[t]);
        }
    }

    /**
     * For all steps at once: i: σ'·g, f: σ'·c_{t−1}, o: σ'·tanh(c_t), g: tanh'·i (σ' = s − s², tanh' = 1 − g²),
     * and o ⊙ (1 − tanh² c_t).
     */
    private void precomputeFactors(int time, long batch, DataType type) {
        factors = TimeSteps.reuse(factors, type, time, batch, 4 * units);
        cellFactor = TimeSteps.reuse(cellFactor, type, time, batch, units);
        INDArray a = gates.all(), k = factors.all();
        a.mul(a, k);
        INDArray sigmoids = gates.columns(0, 3 * units), sigmoidK = factors.columns(0, 3 * units);
        sigmoids.sub(sigmoidK, sigmoidK);
        gateBlock(factors, G).rsubi(1.0);
        gateBlock(factors, I).muli(gateBlock(gates, G));
        gateBlock(factors, F).muli(cells.steps(0, time));
        gateBlock(factors, O).muli(cellTanh.all());
        gateBlock(factors, G).muli(gateBlock(gates, I));
        INDArray tc = cellTanh.all(), kc = cellFactor.all();
        tc.mul(tc, kc).rsubi(1.0).muli(gateBlock(gates, O));
    }
}
