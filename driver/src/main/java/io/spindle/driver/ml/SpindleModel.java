package io.spindle.driver.ml;

import io.spindle.core.Sequential;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.History;
import org.apache.spark.ml.util.MLWritable;

/**
 * What the fitted {@link SpindleClassificationModel} and {@link SpindleRegressionModel} share: the
 * params they were fitted with, the trained network (kept as the Spindle model file's contents),
 * the training summary, and persistence as Spark ML metadata plus {@code model.spindle} (never Java serialization).
 */
public interface SpindleModel extends SpindleParams, MLWritable {
    /** The trained model's file contents: configuration, parameters, optimizer state, provenance. */
    SavedModel savedModel();

    /** Whether this model carries a training summary (every model fitted or saved by this version does). */
    boolean hasSummary();

    /** Per-epoch figures of the fit for the training and the validation rows, wall time and throughput. */
    TrainingSummary summary();

    /** Per-epoch training figures of the fit, or null when the model has no summary. */
    default History history() {
        return hasSummary() ? summary().history() : null;
    }

    /** The trained network as a {@link Sequential}, for prediction or further training in one process. */
    default Sequential toSequential() {
        return Sequential.fromSaved(savedModel());
    }
}
