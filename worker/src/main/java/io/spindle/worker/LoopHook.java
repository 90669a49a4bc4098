package io.spindle.worker;

import io.spindle.core.train.EpochStats;
import io.spindle.core.train.StepPosition;

/**
 * A side duty of the worker's loop (progress, checkpoints, layer-state averaging, the early-stop vote), called on
 * every rank at the same points, in the loop's order, so a hook may use the collective. After an epoch the parameters
 * are in place; after a step a hook that reads them or uses the collective first calls the sync's
 * {@code awaitParameters} (a sync may still be gathering them for the next forward).
 */
public interface LoopHook {

    /** After step {@code at} has updated the parameters; {@code epoch} holds the epoch's figures so far. */
    default void afterStep(StepPosition at, EpochRun epoch) {
    }

    /**
     * After an epoch's last step, before its validation: a hook that changes the model for the epoch's end (layer-state
     * averaging) does it here, so the validation, the reports and the checkpoints all see the same model.
     */
    default void settle(EpochRun epoch) {
    }

    /**
     * After an epoch: its global figures. {@code go} is whether training goes on as decided by the hooks before this
     * one; returns the decision passed to the next.
     */
    default boolean afterEpoch(EpochStats stats, EpochRun epoch, boolean go) {
        return go;
    }
}
