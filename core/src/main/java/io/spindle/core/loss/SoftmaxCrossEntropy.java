package io.spindle.core.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Softmax fused with cross-entropy over integer labels, on logits.
 * Shapes: logits z [B, C]; labels [B] or [B, 1] holding class indices 0..C-1.
 * loss = −mean_b( log_softmax(z)_b[y_b] ); gradient = (softmax(z) − onehot(y)) / B.
 *
 * <p>A step's loss is six native calls into buffers kept between calls: on a [64, 10] batch every
 * allocation or dimension-wise reduction costs as much as the arithmetic, and the loss ran at ~0.7 ms
 * a step that way. The returned gradient is owned by this instance and overwritten by its next call,
 * as a layer's output is; one instance serves one training loop.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private Buffers buffers;

    @Override
    public LossResult compute(INDArray logits, INDArray labels) {
        long batch = logits.size(0);
        long classes = logits.size(1);
        Buffers b = buffersFor(logits);
        Nd4j.exec(DynamicCustomOp.builder("cast").addInputs(labels.reshape(batch))
                .addOutputs(b.labelIndices).addIntegerArguments(DataType.INT32.toInt()).build());
        Nd4j.exec(new OneHot(b.labelIndices, b.oneHot, (int) classes));
        // An index outside [0, C) gets an all-zero one-hot row, so a short total finds every bad label.
        if (Nd4j.getBlasWrapper().asum(b.oneHotFlat) != batch) throw badLabels(labels, classes);
        Nd4j.exec(DynamicCustomOp.builder("log_softmax").addInputs(logits).addOutputs(b.logProbs)
                .addIntegerArguments(1).build());
        double loss = -Nd4j.getBlasWrapper().dot(b.logProbsFlat, b.oneHotFlat) / batch;
        // libnd4j's log_softmax is log(softmax): a class whose probability underflows reads −inf.
        // Such logits (a spread over ~100) are rare, so only then pay for the max-shifted form.
        if (!Double.isFinite(loss)) loss = shiftedLoss(logits, b.oneHot);
        Nd4j.exec(new Exp(b.logProbs, b.gradient));
        b.gradient.subi(b.oneHot).muli(1.0 / batch);
        return new LossResult(loss, b.gradient);
    }

    /** mean_b( logsumexp(z_b − max z_b) − (z_b − max z_b)[y_b] ), which neither overflows nor underflows. */
    private static double shiftedLoss(INDArray logits, INDArray oneHot) {
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        double logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false).sumNumber().doubleValue();
        double picked = shifted.muli(oneHot).sumNumber().doubleValue();
        return (logSumExp - picked) / logits.size(0);
    }

    private Buffers buffersFor(INDArray logits) {
        if (buffers == null || !Arrays.equals(buffers.logProbs.shape(), logits.shape())
                || buffers.logProbs.dataType() != logits.dataType()) {
            buffers = new Buffers(logits.dataType(), logits.size(0), logits.size(1));
        }
        return buffers;
    }

    private static IllegalArgumentException badLabels(INDArray labels, long classes) {
        return new IllegalArgumentException("labels must be class indices in [0, " + (classes - 1) + "] for a "
                + classes + "-way output, but they range over [" + (long) labels.minNumber().doubleValue() + ", "
                + (long) labels.maxNumber().doubleValue() + "]");
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

    /** The per-shape work arrays, with flat aliases for the BLAS reductions. */
    private static final class Buffers {
        final INDArray labelIndices;
        final INDArray oneHot;
        final INDArray oneHotFlat;
        final INDArray logProbs;
        final INDArray logProbsFlat;
        final INDArray gradient;

        Buffers(DataType type, long batch, long classes) {
            labelIndices = Nd4j.createUninitialized(DataType.INT32, batch);
            oneHot = Nd4j.createUninitialized(type, batch, classes);
            oneHotFlat = oneHot.reshape(batch * classes);
            logProbs = Nd4j.createUninitialized(type, batch, classes);
            logProbsFlat = logProbs.reshape(batch * classes);
            gradient = Nd4j.createUninitialized(type, batch, classes);
        }
    }
}
