package io.spindle.core.nn;

import io.spindle.core.kernel.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Elman recurrence, {@code h_t = tanh(x_t·W + h_{t−1}·U + b)}, h₋₁ = 0.
 * Shapes: x [B, T, F], W [1, F, H], U [1, H, H], b [1, H]; y [B, H] (last step) or [B, T, H].
 * Per step, one [B,H]×[H,H] GEMM each way and one element-wise pass: forward libnd4j's tanh (oneDNN's kernel, which
 * measured faster here than the Java one) through a kept native context, backward in float one Java pass
 * ({@link Activations}) over the step's slice of the kept arrays, as the LSTM's cell does; in double, native ops.
 */
public final class SimpleRNN extends Recurrent {

    SimpleRNN(Config config) {
        super(config);
    }

    /** Each step's tanh, its native context kept ({@link TanhCall}). */
    private TanhCall[] stepTanh = new TanhCall[0];

    @Override
    protected void forwardSteps(int time, long batch, DataType type) {
        TimeSteps a = gates;
        if (stepTanh.length < time) {
            int kept = stepTanh.length;
            stepTanh = Arrays.copyOf(stepTanh, time);
            for (int t = kept; t < time; t++) stepTanh[t] = new TanhCall();
        }
        for (int t = 0; t < time; t++) {
            recurrentProduct(t, a.at(t), 1.0);
            stepTanh[t].run(a.at(t), hidden.at(t + 1));
        }
    }

    @Override
    protected void backwardSteps(int time, long batch, DataType type) {
        TimeSteps dA = gateGrads;
        if (type == DataType.FLOAT) {
            // dA_t = dh_t ⊙ (1 − h_t²) in the step's one pass: no pass over the whole sequence before the loop.
            int step = (int) (batch * units);
            for (int t = time - 1; t >= 0; t--) {
                if (t < time - 1) addRecurrentGrad(t, dA.at(t + 1), hiddenGrad.at(t));
                Activations.tanhBackward(hidden.memory(), (t + 1) * step, hiddenGrad.memory(), t * step, dA.memory(), t * step, step);
            }
            return;
        }
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
