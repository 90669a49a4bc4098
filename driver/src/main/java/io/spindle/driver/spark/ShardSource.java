package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Executor side of sharding: worker k reads the training source itself (any Hadoop URI) and keeps
 * only its rows, chosen by the same seeded plan as the driver's, stored as data.storage says (in memory, or written
 * straight to its spool file when the run spools). The rows never travel inside a
 * task message, so a shard may be larger than spark.rpc.message.maxSize. Fields are plain strings.
 */
final class ShardSource implements Function<Integer, Shard> {
    private static final long serialVersionUID = 1L;
    private final String format, uri, labelsUri, labelColumn, task, storage;
    private final boolean header, shuffle;
    private final int workers;
    private final long seed;
    private final ShardCache cache;

    ShardSource(DataConfig data, int workers, long seed, boolean shuffle, ShardCache cache) throws IOException {
        Storage storage = Storage.withDefaults();
        this.format = data.format();
        // Relative paths mean the driver's working directory; executors may run elsewhere.
        this.uri = storage.qualify(data.train());
        this.labelsUri = storage.qualify(data.trainLabels());
        this.labelColumn = data.labelColumn();
        this.task = data.task();
        this.storage = data.storage();
        this.cache = cache;
        this.header = data.header();
        this.workers = workers;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    @Override
    public Shard call(Integer k) {
        DataConfig data = new DataConfig(format, uri, labelsUri, null, null, labelColumn, header, task).withStorage(storage, null);
        try {
            Dataset all = new DataLoader(Storage.withDefaults()).train(data);
            ValueCodec codec = ShardCodecs.forSource(data, (int) all.features().size(1));
            return Shard.of(k, all, ShardPlanner.rowsOf(all.size(), workers, k, seed, shuffle), codec, cache.disk() ? cache.fileFor(k) : null);
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + k + " could not read " + uri + ": " + e.getMessage(), e);
        }
    }
}
