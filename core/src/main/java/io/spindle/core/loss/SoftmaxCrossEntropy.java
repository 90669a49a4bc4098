package io.spindle.core.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax fused with cross-entropy over integer labels, on logits.
 * Shapes: logits z [B, C]; labels [B] or [B, 1] holding class indices 0..C-1.
 * loss = mean_b( logsumexp(z_b) − z_b[y_b] ), computed after subtracting the row max so it never
 * overflows; gradient = (softmax(z) − onehot(y)) / B.
 */
public final class SoftmaxCrossEntropy implements Loss {

    @Override
    public LossResult compute(INDArray logits, INDArray labels) {
        long batch = logits.size(0);
        long classes = logits.size(1);
        INDArray oneHot = oneHot(labels, classes, logits.dataType());
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray exp = Transforms.exp(shifted, true);
        INDArray sumExp = exp.sum(true, 1);
        double logSumExp = Transforms.log(sumExp, true).sumNumber().doubleValue();
        double picked = shifted.mul(oneHot).sumNumber().doubleValue();
        INDArray grad = exp.diviColumnVector(sumExp).subi(oneHot).divi(batch);
        return new LossResult((logSumExp - picked) / batch, grad);
    }

    /** One-hot rows from class indices, after checking every index is a valid class. */
    static INDArray oneHot(INDArray labels, long classes, DataType type) {
        INDArray idx = labels.reshape(labels.length());
        double min = idx.minNumber().doubleValue();
        double max = idx.maxNumber().doubleValue();
        if (min < 0 || max >= classes) {
            throw new IllegalArgumentException("labels must be class indices in [0, " + (classes - 1)
                    + "] for a " + classes + "-way output, but they range over [" + (long) min + ", " + (long) max + "]");
        }
        INDArray out = Nd4j.createUninitialized(type, idx.length(), classes);
        Nd4j.exec(new OneHot(idx.castTo(DataType.INT32), out, (int) classes));
        return out;
    }

    @Override
    public INDArray predict(INDArray logits) {
        INDArray out = Nd4j.createUninitialized(logits.dataType(), logits.shape());
        Nd4j.exec(new SoftMax(logits, out, -1));
        return out;
    }

    @Override
    public boolean classification() {
        return true;
    }

    @Override
    public String name() {
        return "softmax_cross_entropy";
    }
}
