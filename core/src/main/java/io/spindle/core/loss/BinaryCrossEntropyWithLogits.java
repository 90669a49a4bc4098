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
 * gradient = (σ(z) − t) / (B·K), with entries below {@link TinyValues#LOSS_GRADIENT} zero.
 */
public final class BinaryCrossEntropyWithLogits implements Loss {

    @Override
    public LossResult compute(INDArray logits, INDArray targets) {
        INDArray t = targets.reshape(logits.shape());
        double n = logits.length();
        INDArray perElement = Transforms.relu(logits, true)
                .subi(logits.mul(t))
                .addi(Transforms.log(Transforms.exp(Transforms.abs(logits, true).negi(), false).addi(1.0), false));
        double loss = perElement.sumNumber().doubleValue() / n;
        INDArray grad = Transforms.sigmoid(logits, true).subi(t).divi(n);
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
