package io.spindle.core.loss;

import io.spindle.core.config.ConfigException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A training objective. {@link #compute} returns the batch-mean loss and its gradient with
 * respect to the network output together, so the two can never disagree. With {@link RowWeights} the mean is
 * weighted: Σ_b w_b·loss_b / normaliser, and each row's gradient is scaled by w_b / normaliser.
 */
public interface Loss {
    List<String> NAMES = List.of("softmax_cross_entropy", "mse", "binary_cross_entropy");

    /** Loss averaged over the batch, and dLoss/dOutput (same shape as {@code output}). */
    default LossResult compute(INDArray output, INDArray labels) {
        return compute(output, labels, RowWeights.unweighted(output.size(0)));
    }

    /**
     * The weighted loss Σ_b w_b·loss_b / normaliser, where loss_b is row b's loss (averaged over its outputs), and its
     * gradient. Unweighted with the row count as normaliser, this is {@link #compute(INDArray, INDArray)}, bit for bit.
     */
    LossResult compute(INDArray output, INDArray labels, RowWeights weights);

    /** Raw network output to the user-facing prediction: class probabilities, or the values themselves. */
    INDArray predict(INDArray output);

    /** True when labels are class indices and accuracy makes sense. */
    boolean classification();

    /** The JSON name. */
    String name();

    /** Reads a loss name; Keras' names are accepted as aliases. */
    static Loss parse(String field, String name) {
        String n = name.trim().toLowerCase().replace('-', '_');
        return switch (n) {
            case "softmax_cross_entropy", "sparse_categorical_crossentropy", "cross_entropy" -> new SoftmaxCrossEntropy();
            case "mse", "mean_squared_error" -> new MeanSquaredError();
            case "binary_cross_entropy", "binary_crossentropy", "bce_with_logits" -> new BinaryCrossEntropyWithLogits();
            default -> throw new ConfigException(field, name, "one of " + NAMES);
        };
    }

    static Loss softmaxCrossEntropy() {
        return new SoftmaxCrossEntropy();
    }

    static Loss meanSquaredError() {
        return new MeanSquaredError();
    }

    static Loss binaryCrossEntropy() {
        return new BinaryCrossEntropyWithLogits();
    }
}
