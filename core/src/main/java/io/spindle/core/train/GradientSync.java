package io.spindle.core.train;

/**
 * The one part of a training step that differs between modes (DESIGN.md "One training step"): how this
 * replica's gradient, left in the network's gradient buffer by backward, becomes the update every replica
 * applies. Single process: the optimizer steps on it ({@link LocalUpdate}); data-parallel workers all-reduce it,
 * shard the update (ZeRO-1) or average parameters every k steps — one implementation per mode, in the worker module.
 */
public interface GradientSync extends AutoCloseable {

    /**
     * During backward: this replica's gradients at [offset, end of the buffer) are final for this step. A sync that
     * overlaps communication with backward starts reducing them here; the others wait for {@link #update}.
     */
    default void gradientsReadyFrom(long offset) {
    }

    /**
     * During the next step's forward: the parameters at [0, end) are about to be read. A sync that gathers the updated
     * parameters behind forward (FSDP's prefetch) waits here until they have arrived; the others have them already.
     */
    default void parametersNeededThrough(long end) {
    }

    /**
     * Waits until the last update's parameters are all in place and the sync's own communication is idle. Call it
     * before reading the parameters outside a step or using the collective on the training thread (totals, votes,
     * checkpoints), as every rank does at the same points.
     */
    default void awaitParameters() {
    }

    /**
     * Applies step {@code at}'s update to the network's parameters, through the optimizer. Returns the nanoseconds
     * spent communicating, waiting for peers included (0 for a single process).
     */
    long update(StepPosition at);

    /**
     * Makes the optimizer's whole state current on this replica, for a checkpoint or the end of training (a sharded
     * update leaves each replica only its own shard of it). Every replica must call it at the same point, after
     * {@link #awaitParameters}.
     */
    default void completeOptimizerState() {
    }

    /** Stops whatever the sync runs beside training (a communication thread); prompt even after a failure. */
    @Override
    default void close() {
    }

}
