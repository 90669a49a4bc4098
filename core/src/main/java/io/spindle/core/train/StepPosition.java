package io.spindle.core.train;

/**
 * Where a step stands: the 1-based {@code epoch}, the 0-based {@code step} of {@code stepsPerEpoch} in it, and the
 * 0-based {@code globalStep} counted from the first step of training (which seeds dropout, so a resumed run repeats).
 */
public record StepPosition(int epoch, int step, int stepsPerEpoch, long globalStep) {

    /** Whether this is the epoch's last step. */
    public boolean lastOfEpoch() {
        return step == stepsPerEpoch - 1;
    }

    /** For messages: "at epoch 2, step 5 (global step 905)". */
    public String describe() {
        return "at epoch " + epoch + ", step " + (step + 1) + " (global step " + (globalStep + 1) + ")";
    }
}
