package io.spindle.driver.spark;

import io.spindle.core.data.store.ValueCodec;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Executor side of sharding: worker k reads its own rows from the training source (any Hadoop URI), its virtual shards
 * as the driver's {@link ShardPlanner} chooses them, through the source's {@link SourcePart}: an IDX pair's records or a
 * CSV file's splits that hold them, no others. It stores them by the codec data.storage chose, in memory or written
 * straight to its spool file when the run spools. The rows never travel inside a task message, so a shard may be larger
 * than spark.rpc.message.maxSize.
 */
final class ShardSource implements Function<Integer, Shard> {
    private static final long serialVersionUID = 2L;
    private final String uri;
    private final SourcePart part;
    private final ValueCodec codec;
    private final int workers, virtualShards;
    private final ShardCache cache;

    ShardSource(String uri, SourcePart part, ValueCodec codec, int workers, int virtualShards, ShardCache cache) {
        this.uri = uri;
        this.part = part;
        this.codec = codec;
        this.workers = workers;
        this.virtualShards = virtualShards;
        this.cache = cache;
    }

    @Override
    public Shard call(Integer k) {
        try {
            Path spool = cache.disk() ? cache.fileFor(k) : null;
            return part.read(k, workers, virtualShards, codec, spool);
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + k + " could not read " + uri + ": " + e.getMessage(), e);
        }
    }
}
