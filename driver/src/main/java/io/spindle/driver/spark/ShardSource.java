package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Executor side of sharding: worker k reads the training source itself (any Hadoop URI) and keeps
 * only its rows, its virtual shards as the driver's {@link ShardPlanner} chooses them. The rows never travel inside a
 * task message, so a shard may be larger than spark.rpc.message.maxSize. Fields are plain strings.
 */
final class ShardSource implements Function<Integer, Shard> {
    private static final long serialVersionUID = 1L;
    private final String format, uri, labelsUri, labelColumn, task;
    private final boolean header;
    private final int workers, virtualShards;

    ShardSource(DataConfig data, int workers, int virtualShards) throws IOException {
        Storage storage = Storage.withDefaults();
        this.format = data.format();
        // Relative paths mean the driver's working directory; executors may run elsewhere.
        this.uri = storage.qualify(data.train());
        this.labelsUri = storage.qualify(data.trainLabels());
        this.labelColumn = data.labelColumn();
        this.task = data.task();
        this.header = data.header();
        this.workers = workers;
        this.virtualShards = virtualShards;
    }

    @Override
    public Shard call(Integer k) {
        DataConfig data = new DataConfig(format, uri, labelsUri, null, null, labelColumn, header, task);
        try {
            Dataset all = new DataLoader(Storage.withDefaults()).train(data);
            return Shard.of(k, all, ShardPlanner.rowsOf(all.size(), workers, k, virtualShards));
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + k + " could not read " + uri + ": " + e.getMessage(), e);
        }
    }
}
