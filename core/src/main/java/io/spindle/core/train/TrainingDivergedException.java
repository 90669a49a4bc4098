package io.spindle.core.train;

/** The loss or a gradient became NaN or infinite; the message names the step and the layer or input to blame. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
