package io.spindle.core.train;

import io.spindle.core.metrics.ConfusionMatrix;
import io.spindle.core.metrics.RegressionMetrics;

/**
 * The result of evaluating a model on a dataset: mean loss, and either a confusion matrix
 * (classification) or regression metrics; the other is null.
 */
public record Evaluation(double loss, long samples, ConfusionMatrix confusion, RegressionMetrics regression) {

    /** Accuracy for classification, NaN for regression. */
    public double accuracy() {
        return confusion == null ? Double.NaN : confusion.accuracy();
    }
}
