package io.spindle.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elman recurrence, {@code h_t = tanh(x_t·W + h_{t−1}·U + b)}, h₋₁ = 0.
 * Shapes: x [B, T, F], W [1, F, H], U [1, H, H], b [1, H]; y [B, H] (last step) or [B, T, H].
 */
public final class SimpleRNN extends Recurrent {

    SimpleRNN(Config config) {
        super(config);
    }

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        TimeSteps a = gates;
        for (int t = 0; t < time; t++) {
            recurrentProduct(t, a.at(t), 1.0);
            GateMath.tanh(a.at(t), hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        TimeSteps dA = gateGrads;
        // tanh' = 1 − h², for all steps at once; each step then scales it by its dh in place.
        INDArray h = hidden.steps(1, time + 1);
        h.mul(h, dA.all()).rsubi(1.0);
        for (int t = time - 1; t >= 0; t--) {
            // The step after this one reads h_t through U.
            if (t < time - 1) addRecurrentGrad(t, dA.at(t + 1), hiddenGrad.at(t));
            dA.at(t).muli(hiddenGrad.at(t));
        }
    }
}
