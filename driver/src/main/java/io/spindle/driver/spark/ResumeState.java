package io.spindle.driver.spark;

import io.spindle.core.io.Checkpoint;
import io.spindle.worker.StartPoint;

import java.io.Serializable;

/**
 * What a resumed attempt's tasks start from, shipped inside the task: a checkpoint's parameters,
 * optimizer state and step count, and its position. Plain arrays, so Java serialization of the task
 * (Spark's closure serializer, between our own driver and executors) stays trivial.
 */
final class ResumeState implements Serializable {
    private static final long serialVersionUID = 1L;
    final float[] params;
    final float[] optimizerState;
    final long iteration;
    final int epoch, step;
    final double[] totals;

    ResumeState(Checkpoint c) {
        this.params = c.model().params().toFloatVector();
        this.optimizerState = c.model().optimizerState() == null ? new float[0] : c.model().optimizerState().toFloatVector();
        this.iteration = c.model().optimizerIteration();
        this.epoch = c.epoch();
        this.step = c.step();
        this.totals = c.epochTotals();
    }

    StartPoint start() {
        return new StartPoint(epoch, step, totals);
    }
}
