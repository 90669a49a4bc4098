package io.spindle.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Elman recurrence, {@code h_t = tanh(x_t·W + h_{t−1}·U + b)}, h₋₁ = 0.
 * Shapes: x [B, T, F], W [F, H], U [H, H], b [H]; y [B, H] (last step) or [B, T, H].
 */
public final class SimpleRNN extends Recurrent {

    SimpleRNN(Config config) {
        super(config);
    }

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        for (int t = 0; t < time; t++) {
            Nd4j.gemm(hidden.at(t), recurrentKernel, gates.at(t), false, false, 1.0, 1.0);
            Nd4j.exec(new Tanh(gates.at(t), hidden.at(t + 1)));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        // tanh' = 1 − h², for all steps at once; each step then scales it by its dh in place.
        INDArray h = hidden.steps(1, time + 1);
        h.mul(h, gateGrad.all()).rsubi(1.0);
        for (int t = time - 1; t >= 0; t--) {
            // dh_t += dA_{t+1}·Uᵀ: the step after this one reads h_t through U.
            if (t < time - 1) Nd4j.gemm(gateGrad.at(t + 1), recurrentKernel, hiddenGrad.at(t), false, true, 1.0, 1.0);
            gateGrad.at(t).muli(hiddenGrad.at(t));
        }
    }
}
