package io.spindle.driver.spark;

import io.spindle.core.data.store.ValueCodec;
import io.spindle.worker.Shard;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/** Executor side of a source that each worker reads only its own part of: the rows of its virtual shards, and no others. */
interface SourcePart extends Serializable {
    /**
     * Worker {@code k} of {@code workers}' rows of the run's {@code virtualShards} shards, its shards one after another, stored
     * by {@code codec} in memory or (given a {@code spool} file) on local disk.
     */
    Shard read(int k, int workers, int virtualShards, ValueCodec codec, Path spool) throws IOException;
}
