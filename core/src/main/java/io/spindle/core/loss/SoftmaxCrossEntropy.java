package io.spindle.core.loss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.spindle.core.config.ConfigException;
import io.spindle.core.kernel.Numbers;
import io.spindle.core.kernel.TinyValues;
import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax fused with cross-entropy over integer labels, on logits.
 * Shapes: logits z [B, C]; labels [B] or [B, 1] holding class indices 0..C-1.
 * loss = −mean_b( log_softmax(z)_b[y_b] ); gradient = (softmax(z) − onehot(y)) / B. Weighted ({@link RowWeights}
 * w [B], normaliser W): loss = −Σ_b w_b log_softmax(z)_b[y_b] / W; gradient row b = w_b (softmax(z)_b − onehot(y_b)) / W.
 * With label smoothing ε (Keras' {@code label_smoothing}) the target t = (1 − ε)·onehot(y) + ε/C replaces onehot(y):
 * loss_b = −Σ_c t_c log_softmax(z)_b[c], gradient row b = softmax(z)_b − t; ε = 0 gives the plain loss's bits.
 *
 * <p>One Java pass over the rows, in double precision, with the max-shifted log-sum-exp (it neither
 * overflows nor underflows). On a [64, 10] batch this is ~640 values: as native ops (cast, one-hot,
 * log_softmax, exp, …) each call's set-up cost more than its arithmetic. The returned gradient is owned
 * by this instance and overwritten by its next call, as a layer's output is; one instance serves one loop.
 * Entries below {@link TinyValues#LOSS_GRADIENT} are zero: a confident model's wrong-class probabilities are
 * subnormal in float, and arithmetic on them made every backward GEMM slower.
 */
public final class SoftmaxCrossEntropy implements Loss {
    static final String SMOOTHING_RANGE = "a number >= 0 and < 1 (0: one-hot targets; Keras' default 0, common 0.1)";
    private final double labelSmoothing;
    private INDArray gradient;
    private Numbers gradientMemory;
    private double[] shifted = new double[0];

    SoftmaxCrossEntropy() {
        this.labelSmoothing = 0;
    }

    /** With label smoothing ε; {@code field} names it in the error when ε is outside [0, 1). */
    SoftmaxCrossEntropy(String field, double labelSmoothing) {
        // At ε = 1 every target is uniform and the labels no longer matter.
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new ConfigException(field, labelSmoothing, SMOOTHING_RANGE);
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public LossResult compute(INDArray logits, INDArray labels, RowWeights weights) {
        int batch = (int) logits.size(0), classes = (int) logits.size(1);
        if (labels.length() != batch) {
            throw new IllegalArgumentException("softmax cross-entropy needs one class index per row: " + batch
                    + " rows but " + labels.length() + " labels");
        }
        gradient = Buffers.reuse(gradient, logits.dataType(), batch, classes);
        if (gradientMemory == null || !gradientMemory.isOf(gradient)) gradientMemory = Numbers.of(gradient);
        if (shifted.length < classes) shifted = new double[classes];
        Numbers z = Numbers.of(logits), y = Numbers.of(labels);
        Numbers w = weights.weighted() ? Numbers.of(weights.column(batch, weights.values().dataType())) : null;
        double normaliser = weights.normaliser(), total = 0;
        double spread = labelSmoothing / classes, onLabel = 1 - labelSmoothing + spread;
        for (int b = 0, row = 0; b < batch; b++, row += classes) {
            int label = classIndex(y.get(b), classes, labels);
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, z.get(row + c));
            double sum = 0, shiftedSum = 0;
            for (int c = 0; c < classes; c++) {
                shifted[c] = z.get(row + c) - max;
                sum += Math.exp(shifted[c]);
                shiftedSum += shifted[c];
            }
            double logSum = Math.log(sum);
            // × 1.0 is exact, so unit weights over the row count give the unweighted bits.
            double weight = w == null ? 1.0 : w.get(b);
            // Σ_c t_c = 1, so −Σ_c t_c log_softmax_c = logSum − Σ_c t_c shifted_c.
            double targetDotShifted = labelSmoothing == 0 ? shifted[label]
                    : (1 - labelSmoothing) * shifted[label] + spread * shiftedSum;
            total += weight * (logSum - targetDotShifted);
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(shifted[c] - logSum);
                gradientMemory.set(row + c, TinyValues.flushed(weight * (p - (c == label ? onLabel : spread)) / normaliser, TinyValues.LOSS_GRADIENT));
            }
        }
        return new LossResult(total / normaliser, gradient);
    }

    /** The label as a class index, or an error naming the range when it is not one. */
    private static int classIndex(double value, int classes, INDArray labels) {
        if (value >= 0 && value < classes && value == Math.rint(value)) return (int) value;
        throw new IllegalArgumentException("labels must be class indices in [0, " + (classes - 1) + "] for a "
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

    @Override
    public JsonNode toJson() {
        if (labelSmoothing == 0) return Loss.super.toJson();
        return JsonNodeFactory.instance.objectNode().put("type", name()).put("label_smoothing", labelSmoothing);
    }

    /** Keras' {@code label_smoothing}: the share ε of each target spread evenly over the classes. */
    public double labelSmoothing() {
        return labelSmoothing;
    }
}
