/**
 * The sync strategies of the training step ({@link io.spindle.core.train.GradientSync}), one class per mode:
 * all-reduce, sharded (ZeRO-1), in-JVM sharded, parameter averaging. {@link SyncChoice} picks the one a plan runs.
 */
package io.spindle.worker.sync;
