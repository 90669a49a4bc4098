package io.spindle.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Gated recurrent unit in Keras' default form (reset_after, as cuDNN): with gate blocks [z, r, n],
 * a = x_t·W + b and q = h_{t−1}·U + b_h, z, r = σ(a_zr + q_zr), n = tanh(a_n + r⊙q_n),
 * h_t = z⊙h_{t−1} + (1 − z)⊙n; h₋₁ = 0. Applying r after the product keeps one [B,H]×[H,3H] GEMM per step.
 * Shapes: x [B, T, F], W [F, 3H], U [H, 3H], b [3H], b_h [3H]; y [B, H] (last step) or [B, T, H].
 */
public final class GRU extends Recurrent {
    private static final int Z = 0, R = 1, N = 2;

    private INDArray recurrentBias, recurrentBiasGrad;
    /** q = h_{t−1}·U + b_h: [T, B, 3H]; backward's dLoss/dq likewise. */
    private TimeSteps recurrentPre, recurrentPreGrad;
    /** Backward: z: σ'·(h_{t−1} − n), r: σ'·q_n, n: tanh'·(1 − z), for all steps, [T, B, 3H]. */
    private TimeSteps factors;
    private INDArray scratch, stepsScratch;

    GRU(Config config) {
        super(config);
    }

    @Override
    protected List<ParamSpec> biasParams() {
        return List.of(ParamSpec.bias("b", 3 * units, config.biasInit()), ParamSpec.bias("b_h", 3 * units, config.biasInit()));
    }

    @Override
    protected void bindExtra(INDArray params, INDArray grads) {
        recurrentBias = params.reshape(1, 3 * units);
        recurrentBiasGrad = grads.reshape(1, 3 * units);
    }

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        recurrentPre = TimeSteps.reuse(recurrentPre, type, time, batch, 3 * units);
        scratch = Buffers.reuse(scratch, type, batch, units);
        recurrentPre.flat().assign(0).addiRowVector(recurrentBias);
        INDArray[] zr = gates.stepColumns(0, 2 * units), qzr = recurrentPre.stepColumns(0, 2 * units);
        INDArray[] z = gateSteps(gates, Z), r = gateSteps(gates, R), n = gateSteps(gates, N), qn = gateSteps(recurrentPre, N);
        for (int t = 0; t < time; t++) {
            Nd4j.gemm(hidden.at(t), recurrentKernel, recurrentPre.at(t), false, false, 1.0, 1.0);
            Transforms.sigmoid(zr[t].addi(qzr[t]), false);
            Transforms.tanh(n[t].addi(r[t].mul(qn[t], scratch)), false);
            // h_t = n + z ⊙ (h_{t−1} − n)
            hidden.at(t).sub(n[t], scratch).muli(z[t]);
            n[t].add(scratch, hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        precomputeFactors(time, batch, type);
        recurrentPreGrad = TimeSteps.reuse(recurrentPreGrad, type, time, batch, 3 * units);
        INDArray[] z = gateSteps(gates, Z), r = gateSteps(gates, R);
        INDArray[] kZ = gateSteps(factors, Z), kR = gateSteps(factors, R), kN = gateSteps(factors, N);
        INDArray[] dN = gateSteps(gateGrad, N), dqZ = gateSteps(recurrentPreGrad, Z), dqR = gateSteps(recurrentPreGrad, R),
                dqN = gateSteps(recurrentPreGrad, N);
        for (int t = time - 1; t >= 0; t--) {
            INDArray dh = hiddenGrad.at(t);
            if (t < time - 1) {
                // h_{t+1} reads h_t directly (through z) and through q = h_t·U.
                dh.addi(hiddenGrad.at(t + 1).mul(z[t + 1], scratch));
                Nd4j.gemm(recurrentPreGrad.at(t + 1), recurrentKernel, dh, false, true, 1.0, 1.0);
            }
            // z and r enter through a + q alike, so their gradients are written once, into dq, and copied to dA below.
            dh.mul(kZ[t], dqZ[t]);
            dh.mul(kN[t], dN[t]);
            dN[t].mul(kR[t], dqR[t]);
            dN[t].mul(r[t], dqN[t]);
        }
        gateGrad.columns(0, 2 * units).assign(recurrentPreGrad.columns(0, 2 * units));
    }

    private void precomputeFactors(int time, long batch, DataType type) {
        factors = TimeSteps.reuse(factors, type, time, batch, 3 * units);
        stepsScratch = Buffers.reuse(stepsScratch, type, time, batch, units);
        INDArray a = gates.all(), k = factors.all();
        a.mul(a, k);
        INDArray sigmoidK = factors.columns(0, 2 * units);
        gates.columns(0, 2 * units).sub(sigmoidK, sigmoidK);
        gateBlock(factors, N).rsubi(1.0);
        gateBlock(factors, Z).muli(hidden.steps(0, time).sub(gateBlock(gates, N), stepsScratch));
        gateBlock(factors, R).muli(gateBlock(recurrentPre, N));
        gateBlock(factors, N).muli(gateBlock(gates, Z).rsub(1.0, stepsScratch));
    }

    @Override
    protected INDArray recurrentPreActivationGrad() {
        return recurrentPreGrad.flat();
    }

    @Override
    protected void accumulateExtra(INDArray dq) {
        recurrentBiasGrad.addi(dq.sum(true, 0));
    }
}
