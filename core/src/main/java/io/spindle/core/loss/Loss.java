package io.spindle.core.loss;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
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

    /** As a job file's {@code loss} field holds it: the name, or {"type": name, option: value, ...} when an option is set. */
    default JsonNode toJson() {
        return TextNode.valueOf(name());
    }

    /**
     * Reads a job file's {@code loss} field: a name ({@code "softmax_cross_entropy"}) or an object
     * {@code {"type": "softmax_cross_entropy", "label_smoothing": 0.1}}; {@code dflt} when the field is absent.
     */
    static Loss fromJson(String field, JsonNode v, String dflt) {
        if (v == null || v.isNull() || v.isMissingNode()) return parse(field, dflt);
        if (v.isTextual()) return parse(field, v.asText());
        if (!v.isObject()) {
            throw new ConfigException(field, v.toString(), "a loss name, one of " + NAMES
                    + ", or an object such as {\"type\": \"softmax_cross_entropy\", \"label_smoothing\": 0.1}");
        }
        ConfigNode c = new ConfigNode(v, field);
        Loss type = parse(c.field("type"), c.requireString("type"));
        if (!(type instanceof SoftmaxCrossEntropy)) {
            c.rejectUnknown("type");
            return type;
        }
        c.rejectUnknown("type", "label_smoothing");
        JsonNode smoothing = v.get("label_smoothing");
        if (smoothing == null || smoothing.isNull()) return type;
        if (!smoothing.isNumber()) throw new ConfigException(c.field("label_smoothing"), smoothing.toString(), SoftmaxCrossEntropy.SMOOTHING_RANGE);
        return new SoftmaxCrossEntropy(c.field("label_smoothing"), smoothing.asDouble());
    }

    /** Reads {@link #toJson()}'s text back: how a loss travels to Spark's executors. */
    static Loss fromJsonText(String json) {
        try {
            return fromJson("loss", new ObjectMapper().readTree(json), null);
        } catch (JsonProcessingException e) {
            throw new ConfigException("loss", json, "a loss as JSON: " + e.getOriginalMessage());
        }
    }

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

    /**
     * Softmax cross-entropy against smoothed targets, as Keras' {@code CategoricalCrossentropy(label_smoothing=ε)}:
     * the one-hot target becomes (1 − ε)·onehot + ε/C. ε in [0, 1); 0 is the plain loss.
     */
    static Loss softmaxCrossEntropy(double labelSmoothing) {
        return new SoftmaxCrossEntropy("label_smoothing", labelSmoothing);
    }

    static Loss meanSquaredError() {
        return new MeanSquaredError();
    }

    static Loss binaryCrossEntropy() {
        return new BinaryCrossEntropyWithLogits();
    }
}
