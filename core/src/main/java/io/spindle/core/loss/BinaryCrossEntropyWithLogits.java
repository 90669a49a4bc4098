package io.spindle.core.loss;

import io.spindle.core.kernel.TinyValues;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy on logits, one independent sigmoid per output (multi-label).
 * Shapes: logits z [B, K], targets t [B, K] in [0, 1].
 * Per element max(z, 0) − z·t + log(1 + e^(−|z|)), which never overflows; mean over B·K.
 * gradient = (σ(z) − t) / (B·K), with entries below {@link TinyValues#LOSS_GRADIENT} zero. Weighted ({@link RowWeights}
 * w [B], normaliser W): row b's terms are multiplied by w_b and the sum is divided by K·W instead.
 */
public final class BinaryCrossEntropyWithLogits implements Loss {

    @Override
    public LossResult compute(INDArray logits, INDArray targets, RowWeights weights) {
        INDArray t = targets.reshape(logits.shape());
        long rows = logits.size(0);
        double n = (double) (logits.length() / rows) * weights.normaliser();
        INDArray perElement = Transforms.relu(logits, true)
                .subi(logits.mul(t))
                .addi(Transforms.log(Transforms.exp(Transforms.abs(logits, true).negi(), false).addi(1.0), false));
        INDArray grad = Transforms.sigmoid(logits, true).subi(t);
        if (weights.weighted()) {
            INDArray w = weights.column(rows, logits.dataType());
            perElement = perElement.reshape(rows, -1).muliColumnVector(w);
            grad = grad.reshape(rows, -1).muliColumnVector(w).reshape(logits.shape());
        }
        double loss = perElement.sumNumber().doubleValue() / n;
        grad.divi(n);
        // σ(z) of a confidently negative output is subnormal in float (z < -87); see TinyValues.LOSS_GRADIENT.
        BooleanIndexing.replaceWhere(grad, 0.0, Conditions.absLessThan(TinyValues.LOSS_GRADIENT));
        return new LossResult(loss, grad);
    }

    @Override
    public INDArray predict(INDArray logits) {
        return Transforms.sigmoid(logits, true);
    }

    @Override
    public boolean classification() {
        return false;
    }

    @Override
    public String name() {
        return "binary_cross_entropy";
    }
}
