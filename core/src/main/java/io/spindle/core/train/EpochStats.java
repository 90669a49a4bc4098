package io.spindle.core.train;

/**
 * One epoch's figures. Accuracy fields are NaN for regression; validation fields are NaN when
 * there was no validation set.
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                         double validationAccuracy, double samplesPerSecond, double seconds, double learningRate) {

    public static final String CSV_HEADER = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_sec,seconds,learning_rate";

    /** These figures with the epoch's validation loss and accuracy. */
    public EpochStats withValidation(double loss, double accuracy) {
        return new EpochStats(epoch, trainLoss, trainAccuracy, loss, accuracy, samplesPerSecond, seconds, learningRate);
    }

    String toCsv() {
        return epoch + "," + num(trainLoss) + "," + num(trainAccuracy) + "," + num(validationLoss) + ","
                + num(validationAccuracy) + "," + num(samplesPerSecond) + "," + num(seconds) + "," + num(learningRate);
    }

    /** Exactly (the shortest text that reads back as the same double): a history read back must print as it did. */
    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
