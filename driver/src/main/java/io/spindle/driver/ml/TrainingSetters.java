package io.spindle.driver.ml;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.loss.SoftmaxCrossEntropy;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.optim.OptimizerConfig;
import org.apache.spark.ml.param.Param;

/** The estimators' setters of {@link SpindleParams}; each checks its value and names the allowed range. */
public interface TrainingSetters<E extends TrainingSetters<E>> extends SpindleParams {
    default E setNetwork(String json) { return put(network(), json); }
    default E setNetwork(ModelConfig model) { return put(network(), model.toJson().toString()); }
    default E setOptimizer(String json) { return put(optimizer(), json); }
    default E setOptimizer(OptimizerConfig config) { return put(optimizer(), config.toJson().toString()); }
    default E setLearningRate(double v) { return put(learningRate(), v); }
    /** Keras' label_smoothing for the classifier's softmax cross-entropy, in [0, 1). */
    default E setLabelSmoothing(double v) { return put(labelSmoothing(), v); }
    default E setEpochs(int v) { return put(epochs(), v); }
    default E setBatchSize(int v) { return put(batchSize(), v); }
    default E setWorkers(int v) { return put(workers(), v); }
    default E setSeed(long v) { return put(seed(), v); }
    default E setVerbose(boolean v) { return put(verbose(), v); }
    default E setValidationIndicatorCol(String column) { return put(validationIndicatorCol(), column); }
    default E setEarlyStoppingPatience(int epochs) { return put(earlyStoppingPatience(), epochs); }
    default E setEarlyStoppingMonitor(String monitor) { return put(earlyStoppingMonitor(), monitor); }
    /** The columns of each named model input as JSON, e.g. {@code {"cat": ["a_idx", "b_idx"], "num": "features"}}. */
    default E setInputCols(String json) { return put(inputCols(), json); }

    /** The columns of each named model input: a value is a column name, a {@code String[]} or a list of names. */
    default E setInputCols(java.util.Map<String, ?> columns) {
        com.fasterxml.jackson.databind.node.ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        columns.forEach((input, c) -> {
            if (c instanceof String s) n.put(input, s);
            else if (c instanceof String[] a) java.util.Arrays.stream(a).forEach(n.putArray(input)::add);
            else if (c instanceof java.util.Collection<?> list) list.forEach(v -> n.withArray(input).add(String.valueOf(v)));
            else throw new ConfigException("inputCols." + input, String.valueOf(c), "a column name, a String[] or a list of column names");
        });
        return setInputCols(n.toString());
    }
    /** Per-row sample weights from this numeric column (finite, > 0); the loss becomes Σ w·loss / Σ w. "" or unset: unweighted. */
    default E setWeightCol(String column) { return put(weightCol(), column); }

    /** Network, optimizer, seed and label smoothing from a model built with {@link Sequential#builder}; its loss must be this estimator's. */
    default E setModel(Sequential model) {
        String loss = NetworkFit.lossName(this);
        if (!model.loss().name().equals(loss)) {
            throw new ConfigException("model.loss", model.loss().name(), loss + ": the loss " + getClass().getSimpleName() + " trains with");
        }
        setNetwork(model.network().config());
        setOptimizer(model.optimizerConfig());
        if (model.loss() instanceof SoftmaxCrossEntropy s && s.labelSmoothing() != 0) setLabelSmoothing(s.labelSmoothing());
        return setSeed(model.seed());
    }

    @SuppressWarnings("unchecked")
    private <T> E put(Param<T> p, T value) {
        // Spark's own check would say only "given invalid value"; ours names the allowed range too.
        if (!(Boolean) p.isValid().apply(value)) throw new ConfigException(p.name(), value, p.doc());
        set(p, value);
        return (E) this;
    }
}
