package io.spindle.core.train;

/** One step's figures on this replica: the batch's mean loss, its correct predictions (0 for regression), its rows, and the nanoseconds the sync spent communicating. */
public record StepResult(double loss, long correct, int size, long syncNanos) {
}
