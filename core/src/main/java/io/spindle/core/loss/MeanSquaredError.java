package io.spindle.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean squared error over all outputs, as Keras computes it.
 * Shapes: output y [B, K], targets t [B, K]. loss = Σ(y − t)² / (B·K); gradient = 2(y − t) / (B·K).
 * Weighted ({@link RowWeights} w [B], normaliser W): loss = Σ_b w_b Σ_k (y − t)² / (K·W); gradient = 2 w_b (y − t) / (K·W).
 */
public final class MeanSquaredError implements Loss {

    @Override
    public LossResult compute(INDArray output, INDArray targets, RowWeights weights) {
        INDArray diff = output.sub(targets.reshape(output.shape()));
        long rows = output.size(0);
        double n = (double) (output.length() / rows) * weights.normaliser();
        if (!weights.weighted()) {
            double loss = diff.mul(diff).sumNumber().doubleValue() / n;
            return new LossResult(loss, diff.muli(2.0 / n));
        }
        INDArray w = weights.column(rows, diff.dataType()), byRow = diff.reshape(rows, -1);
        double loss = byRow.mulColumnVector(w).muli(byRow).sumNumber().doubleValue() / n;
        return new LossResult(loss, byRow.muliColumnVector(w).muli(2.0 / n).reshape(output.shape()));
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
