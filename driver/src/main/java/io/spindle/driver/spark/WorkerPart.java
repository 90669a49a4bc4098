package io.spindle.driver.spark;

import io.spindle.worker.Shard;

/**
 * What one barrier task trains and validates on: its training shard, and its part of the validation rows (null when the
 * run has no validation set). The two come from partitions of the same index, zipped inside the task, so neither
 * travels through the driver again.
 */
record WorkerPart(Shard train, Shard validation) {
}
