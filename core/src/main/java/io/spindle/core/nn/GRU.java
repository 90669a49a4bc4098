package io.spindle.core.nn;

import io.spindle.core.kernel.GruCell;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Gated recurrent unit with the reset gate applied after the recurrent product (Keras' default
 * reset_after, as cuDNN): z, r = σ(x_t·W_{z,r} + h_{t−1}·U_{z,r} + b_{z,r}),
 * n = tanh(x_t·W_n + b_n + r⊙(h_{t−1}·U_n + b_hn)), h_t = z⊙h_{t−1} + (1 − z)⊙n; h₋₁ = 0.
 * Shapes: x [B, T, F], W [3, F, H], U [3, H, H], b [3, H], b_hn [H]; y [B, H] (last step) or [B, T, H].
 * Keras' recurrent biases of z and r are left out: they only ever add to b_z and b_r.
 * In float each step's element-wise work is one Java pass each way ({@link GruCell}); in double native ops.
 */
public final class GRU extends Recurrent {
    private static final int Z = 0, R = 1, N = 2;

    private INDArray recurrentBias, recurrentBiasGrad;
    /** q_n = h_{t−1}·U_n + b_hn: [T, B, H]; and backward's dLoss/dq_n. */
    private TimeSteps candidateRecurrent, candidateRecurrentGrad;
    /** Backward: z: σ'·(h_{t−1} − n), r: σ'·q_n, n: tanh'·(1 − z), for all steps. */
    private final TimeSteps[] factors = new TimeSteps[3];
    private INDArray scratch, stepsScratch;

    GRU(Config config) {
        super(config);
    }

    @Override
    protected List<ParamSpec> biasParams() {
        return List.of(ParamSpec.bias("b", 3 * units, config.biasInit()), ParamSpec.bias("b_hn", units, config.biasInit()));
    }

    @Override
    protected void bindExtra(INDArray params, INDArray grads) {
        recurrentBias = params.reshape(1, units);
        recurrentBiasGrad = grads.reshape(1, units);
    }

    @Override
    protected boolean sigmoidGate(int g) {
        return g != N;
    }

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        candidateRecurrent = TimeSteps.reuse(candidateRecurrent, type, time, batch, units);
        scratch = Buffers.reuse(scratch, type, batch, units);
        candidateRecurrent.flat().assign(0).addiRowVector(recurrentBias);
        if (type == DataType.FLOAT) {
            int size = (int) (batch * units);
            for (int t = 0; t < time; t++) {
                addRecurrent(Z, t, gates[Z].at(t));
                addRecurrent(R, t, gates[R].at(t));
                addRecurrent(N, t, candidateRecurrent.at(t));
                GruCell.forward(gates[Z].memory(), gates[R].memory(), gates[N].memory(), candidateRecurrent.memory(), hidden.memory(), t, size);
            }
            return;
        }
        for (int t = 0; t < time; t++) {
            INDArray z = gates[Z].at(t), r = gates[R].at(t), n = gates[N].at(t), q = candidateRecurrent.at(t);
            addRecurrent(Z, t, z);
            GateMath.sigmoidFromHalf(z);
            addRecurrent(R, t, r);
            GateMath.sigmoidFromHalf(r);
            addRecurrent(N, t, q);
            GateMath.tanh(n.addi(r.mul(q, scratch)), n);
            // h_t = n + z ⊙ (h_{t−1} − n)
            hidden.at(t).sub(n, scratch).muli(z);
            n.add(scratch, hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        precomputeFactors(time, batch, type);
        candidateRecurrentGrad = TimeSteps.reuse(candidateRecurrentGrad, type, time, batch, units);
        TimeSteps dz = gateGrads[Z], dr = gateGrads[R], dn = gateGrads[N], dq = candidateRecurrentGrad;
        if (type == DataType.FLOAT) {
            backwardStepsInJava(time, batch);
            return;
        }
        for (int t = time - 1; t >= 0; t--) {
            INDArray dh = hiddenGrad.at(t);
            if (t < time - 1) {
                // h_{t+1} reads h_t directly (through z) and through the three recurrent products.
                dh.addi(hiddenGrad.at(t + 1).mul(gates[Z].at(t + 1), scratch));
                addRecurrentGrad(Z, t, dz.at(t + 1), dh);
                addRecurrentGrad(R, t, dr.at(t + 1), dh);
                addRecurrentGrad(N, t, dq.at(t + 1), dh);
            }
            dh.mul(factors[Z].at(t), dz.at(t));
            dh.mul(factors[N].at(t), dn.at(t));
            dn.at(t).mul(factors[R].at(t), dr.at(t));
            dn.at(t).mul(gates[R].at(t), dq.at(t));
        }
    }

    /** The float steps: one pass of {@link GruCell} a step, which also passes dh_t⊙z_t on to dh_{t−1}, then the recurrent products. */
    private void backwardStepsInJava(int time, long batch) {
        int size = (int) (batch * units);
        ByteBuffer[] factorMemory = {factors[Z].memory(), factors[R].memory(), factors[N].memory()};
        ByteBuffer[] gradMemory = {gateGrads[Z].memory(), gateGrads[R].memory(), gateGrads[N].memory()};
        for (int t = time - 1; t >= 0; t--) {
            if (t < time - 1) {
                addRecurrentGrad(Z, t, gateGrads[Z].at(t + 1), hiddenGrad.at(t));
                addRecurrentGrad(R, t, gateGrads[R].at(t + 1), hiddenGrad.at(t));
                addRecurrentGrad(N, t, candidateRecurrentGrad.at(t + 1), hiddenGrad.at(t));
            }
            GruCell.backward(hiddenGrad.memory(), factorMemory, gates[Z].memory(), gates[R].memory(), gradMemory,
                    candidateRecurrentGrad.memory(), t, size);
        }
    }

    private void precomputeFactors(int time, long batch, DataType type) {
        activationDerivatives(factors, time, batch, type);
        stepsScratch = Buffers.reuse(stepsScratch, type, time, batch, units);
        factors[Z].all().muli(hidden.steps(0, time).sub(gates[N].all(), stepsScratch));
        factors[R].all().muli(candidateRecurrent.all());
        factors[N].all().muli(gates[Z].all().rsub(1.0, stepsScratch));
    }

    @Override
    protected TimeSteps recurrentPreActivationGrad(int g) {
        return g == N ? candidateRecurrentGrad : gateGrads[g];
    }

    @Override
    protected void accumulateExtra() {
        rows.addColumnSums(candidateRecurrentGrad.flat(), recurrentBiasGrad);
    }
}
