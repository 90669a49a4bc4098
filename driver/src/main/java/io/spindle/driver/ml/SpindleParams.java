package io.spindle.driver.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training params shared by the estimators and their fitted models (as Spark's MLP shares
 * {@code MultilayerPerceptronParams}): a fitted model keeps the values it was fitted with, so
 * {@code cvModel.bestModel} says which grid point won, also after save and load.
 */
public interface SpindleParams extends Params {
    /** The Param objects of this instance. */
    TrainingParams trainingParams();

    default Param<String> network() { return trainingParams().network; }
    default Param<String> optimizer() { return trainingParams().optimizer; }
    default DoubleParam learningRate() { return trainingParams().learningRate; }
    default DoubleParam labelSmoothing() { return trainingParams().labelSmoothing; }
    default IntParam epochs() { return trainingParams().epochs; }
    default IntParam batchSize() { return trainingParams().batchSize; }
    default IntParam workers() { return trainingParams().workers; }
    default LongParam seed() { return trainingParams().seed; }
    default BooleanParam verbose() { return trainingParams().verbose; }
    default Param<String> validationIndicatorCol() { return trainingParams().validationIndicatorCol; }
    default IntParam earlyStoppingPatience() { return trainingParams().earlyStoppingPatience; }
    default Param<String> earlyStoppingMonitor() { return trainingParams().earlyStoppingMonitor; }
    default Param<String> inputCols() { return trainingParams().inputCols; }
    default Param<String> weightCol() { return trainingParams().weightCol; }

    default String getNetwork() { return isDefined(network()) ? getOrDefault(network()) : null; }
    default String getOptimizer() { return getOrDefault(optimizer()); }
    default double getLearningRate() { return (Double) getOrDefault(learningRate()); }
    default double getLabelSmoothing() { return (Double) getOrDefault(labelSmoothing()); }
    default int getEpochs() { return (Integer) getOrDefault(epochs()); }
    default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
    default int getWorkers() { return (Integer) getOrDefault(workers()); }
    default long getSeed() { return (Long) getOrDefault(seed()); }
    default boolean getVerbose() { return (Boolean) getOrDefault(verbose()); }
    /** The validation indicator column, or null when every row trains. */
    default String getValidationIndicatorCol() { return isDefined(validationIndicatorCol()) ? getOrDefault(validationIndicatorCol()) : null; }
    default int getEarlyStoppingPatience() { return (Integer) getOrDefault(earlyStoppingPatience()); }
    default String getEarlyStoppingMonitor() { return getOrDefault(earlyStoppingMonitor()); }
    /** The model inputs' columns as JSON, or null when featuresCol holds every row's features. */
    default String getInputCols() { return isDefined(inputCols()) ? getOrDefault(inputCols()) : null; }
    /** The sample-weight column, or null when unset or empty (every row weighs 1.0), as Spark's weightCol. */
    default String getWeightCol() { return isDefined(weightCol()) && !getOrDefault(weightCol()).isEmpty() ? getOrDefault(weightCol()) : null; }
}
