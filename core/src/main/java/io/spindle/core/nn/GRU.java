package io.spindle.core.nn;

import io.spindle.core.kernel.GruCell;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Gated recurrent unit with the reset gate applied after the recurrent product (Keras' default
 * reset_after, as cuDNN): z, r = σ(x_t·W_{z,r} + h_{t−1}·U_{z,r} + b_{z,r}),
 * n = tanh(x_t·W_n + b_n + r⊙(h_{t−1}·U_n + b_hn)), h_t = z⊙h_{t−1} + (1 − z)⊙n; h₋₁ = 0.
 * Shapes: x [B, T, F], W [3, F, H], U [3, H, H], b [3, H], b_hn [H]; y [B, H] (last step) or [B, T, H].
 * Keras' recurrent biases of z and r are left out: they only ever add to b_z and b_r.
 * Each step's h_{t−1}·U, one [B,H]×[H,3H] GEMM, goes to
 * its own array (n's block must stay apart from x_t·W_n); in float each step's element-wise work is a few Java passes
 * forward and one back ({@link GruCell}); in double native ops on strided views.
 */
public final class GRU extends Recurrent {
    private static final int Z = 0, R = 1, N = 2;

    private INDArray recurrentBias, recurrentBiasGrad, biasSums;
    private ByteBuffer recurrentBiasMemory;
    /** h_{t−1}·U per step, [T, B, 3H] laid out as the gates; the cell leaves q = h_{t−1}·U_n + b_hn in n's block. */
    private TimeSteps recurrent;
    /** dLoss/d(h_{t−1}·U), [T, B, 3H]: dz, dr and dq (where the gates' gradients have dn). */
    private TimeSteps recurrentGrads;
    private INDArray scratch;

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
        recurrentBiasMemory = Memory.of(recurrentBias);
    }

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        recurrent = TimeSteps.reuse(recurrent, type, time, batch, 3 * units);
        scratch = Buffers.reuse(scratch, type, batch, units);
        recurrent.at(0).assign(0);   // h₋₁·U, which step 0's product skips
        if (type == DataType.FLOAT) {
            for (int t = 0; t < time; t++) {
                recurrentProduct(t, recurrent.at(t), 0.0);
                GruCell.forward(gates.memory(), recurrentBiasMemory, recurrent.memory(), hidden.memory(), t, (int) batch, (int) units);
            }
            return;
        }
        for (int t = 0; t < time; t++) {
            recurrentProduct(t, recurrent.at(t), 0.0);
            INDArray zr = gates.columns(t, 0, 2 * units), q = gate(recurrent, t, N), n = gate(gates, t, N);
            Transforms.sigmoid(zr.addi(recurrent.columns(t, 0, 2 * units)), false);
            q.addiRowVector(recurrentBias);
            Transforms.tanh(n.addi(gate(gates, t, R).mul(q)), false);
            // h_t = n + z ⊙ (h_{t−1} − n)
            hidden.at(t).sub(n, scratch).muli(gate(gates, t, Z));
            n.add(scratch, hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        recurrentGrads = TimeSteps.reuse(recurrentGrads, type, time, batch, 3 * units);
        for (int t = time - 1; t >= 0; t--) {
            if (t < time - 1) addRecurrentGrad(t, recurrentGrads.at(t + 1), hiddenGrad.at(t));
            if (type == DataType.FLOAT) {
                GruCell.backward(hiddenGrad.memory(), gates.memory(), recurrent.memory(), hidden.memory(), gateGrads.memory(),
                        recurrentGrads.memory(), t, (int) batch, (int) units);
            } else {
                backwardStepInDouble(t);
            }
        }
    }

    /** {@link GruCell#backward}'s step in native ops on the gates' views. */
    private void backwardStepInDouble(int t) {
        INDArray dh = hiddenGrad.at(t), z = gate(gates, t, Z), r = gate(gates, t, R), n = gate(gates, t, N), q = gate(recurrent, t, N);
        INDArray dz = dh.mul(hidden.at(t).sub(n)).muli(z.sub(z.mul(z)));
        INDArray dn = dh.mul(z.rsub(1.0)).muli(n.mul(n).rsubi(1.0));
        INDArray dr = dn.mul(q).muli(r.sub(r.mul(r)));
        gate(gateGrads, t, Z).assign(dz);
        gate(gateGrads, t, R).assign(dr);
        gate(gateGrads, t, N).assign(dn);
        gate(recurrentGrads, t, Z).assign(dz);
        gate(recurrentGrads, t, R).assign(dr);
        gate(recurrentGrads, t, N).assign(dn.muli(r));
        if (t > 0) hiddenGrad.at(t - 1).addi(dh.mul(z));
    }

    @Override
    protected TimeSteps recurrentPreActivationGrads() {
        return recurrentGrads;
    }

    /** b_hn's gradient: the column sums of dq, n's block of the recurrent products' gradients. */
    @Override
    protected void accumulateExtra() {
        biasSums = Buffers.reuse(biasSums, recurrentGrads.all().dataType(), 1, 3 * units);
        biasSums.assign(0);
        rows.addColumnSums(recurrentGrads.flat(), biasSums);
        recurrentBiasGrad.addi(biasSums.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * units, 3 * units)));
    }
}
