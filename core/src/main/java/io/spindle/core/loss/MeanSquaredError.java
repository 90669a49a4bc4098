package io.spindle.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean squared error over all outputs, as Keras computes it.
 * Shapes: output y [B, K], targets t [B, K]. loss = Σ(y − t)² / (B·K); gradient = 2(y − t) / (B·K).
 */
public final class MeanSquaredError implements Loss {

    @Override
    public LossResult compute(INDArray output, INDArray targets) {
        INDArray diff = output.sub(targets.reshape(output.shape()));
        double n = output.length();
        double loss = diff.mul(diff).sumNumber().doubleValue() / n;
        return new LossResult(loss, diff.muli(2.0 / n));
    }

    @Override
    public INDArray predict(INDArray output) {
        return output.dup();
    }

    @Override
    public boolean classification() {
        return false;
    }

    @Override
    public String name() {
        return "mse";
    }
}
