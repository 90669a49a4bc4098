package io.spindle.driver.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;

/**
 * The Param objects of {@link SpindleParams}, created once per estimator or model (a Param belongs to
 * its owner's uid), with their docs, validators and defaults.
 */
public final class TrainingParams implements Serializable {
    private static final long serialVersionUID = 1L;
    /** What {@code earlyStoppingMonitor} may watch: the validation set's figures. */
    static final String[] MONITORS = {"val_loss", "val_accuracy"};
    final Param<String> network, optimizer, validationIndicatorCol, earlyStoppingMonitor, inputCols, weightCol;
    final DoubleParam learningRate, labelSmoothing;
    final IntParam epochs, batchSize, workers, earlyStoppingPatience;
    final LongParam seed;
    final BooleanParam verbose;

    TrainingParams(Params owner) {
        network = new Param<>(owner, "network", "the network as JSON: a job file's model section {\"input_shape\": [...], \"layers\": [...]} or a whole job file");
        optimizer = new Param<>(owner, "optimizer", "the optimizer as JSON, as a job file's optimizer section, e.g. {\"type\": \"adam\"}");
        learningRate = new DoubleParam(owner, "learningRate", "learning rate (> 0); overrides the optimizer's when set", ParamValidators.gt(0));
        labelSmoothing = new DoubleParam(owner, "labelSmoothing", "classifier only: the share of each one-hot target spread evenly"
                + " over the classes, as Keras' label_smoothing (>= 0 and < 1; 0 = off)", ParamValidators.inRange(0, 1, true, false));
        epochs = new IntParam(owner, "epochs", "passes over the rows (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(owner, "batchSize", "global batch size (>= 1), a multiple of workers", ParamValidators.gtEq(1));
        workers = new IntParam(owner, "workers", "data-parallel workers: tasks of one Spark barrier stage (>= 1)", ParamValidators.gtEq(1));
        seed = new LongParam(owner, "seed", "seed of the initial weights, dropout and data order");
        verbose = new BooleanParam(owner, "verbose", "print one line per epoch while fitting (loss, accuracy, validation figures, samples/s)");
        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol", "name of a boolean column: true marks a validation row,"
                + " held out of training and evaluated after every epoch");
        earlyStoppingPatience = new IntParam(owner, "earlyStoppingPatience", "stop after this many epochs without improvement of"
                + " earlyStoppingMonitor on the validation rows and keep the best epoch's weights (>= 0; 0 = off; needs validationIndicatorCol)",
                ParamValidators.gtEq(0));
        earlyStoppingMonitor = new Param<>(owner, "earlyStoppingMonitor", "what early stopping watches: val_loss or val_accuracy (classifier only)",
                ParamValidators.inArray(MONITORS));
        inputCols = new Param<>(owner, "inputCols", "which columns feed each named model input, as a JSON object, e.g."
                + " {\"cat\": [\"a_idx\", \"b_idx\"], \"num\": \"features\"}: numeric columns (StringIndexer's category ids)"
                + " or Vector/array columns, joined in the model's input order; when set, featuresCol is not read",
                (scala.Function1<String, Object> & Serializable) json -> FeatureSource.parse(json) != null);
        // Spark's HasWeightCol: the same name and doc, no default.
        weightCol = new Param<>(owner, "weightCol", "weight column name. If this is not set or empty, we treat all instance weights as 1.0");
        owner.setDefault(optimizer, "{\"type\": \"adam\"}");
        owner.setDefault(labelSmoothing, 0.0);
        owner.setDefault(epochs, 5);
        owner.setDefault(batchSize, 32);
        owner.setDefault(workers, 1);
        owner.setDefault(seed, 42L);
        owner.setDefault(verbose, true);
        owner.setDefault(earlyStoppingPatience, 0);
        owner.setDefault(earlyStoppingMonitor, "val_loss");
    }
}
