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
 * only its rows, chosen by the same seeded plan as the driver's. The rows never travel inside a
 * task message, so a shard may be larger than spark.rpc.message.maxSize. Fields are plain strings.
 */
final class ShardSource implements Function<Integer, Shard> {
    private static final long serialVersionUID = 1L;
    private final String format, uri, labelsUri, labelColumn, task, weightColumn;
    private final boolean header, shuffle;
    private final int workers;
    private final long seed;

    ShardSource(DataConfig data, int workers, long seed, boolean shuffle) throws IOException {
        Storage storage = Storage.withDefaults();
        this.format = data.format();
        // Relative paths mean the driver's working directory; executors may run elsewhere.
        this.uri = storage.qualify(data.train());
        this.labelsUri = storage.qualify(data.trainLabels());
        this.labelColumn = data.labelColumn();
        this.weightColumn = data.weightColumn();
        this.task = data.task();
        this.header = data.header();
        this.workers = workers;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    @Override
    public Shard call(Integer k) {
        DataConfig data = new DataConfig(format, uri, labelsUri, null, null, labelColumn, header, task, java.util.List.of("features"),
                null, null, 0, java.util.List.of(), weightColumn);
        try {
            Dataset all = new DataLoader(Storage.withDefaults()).train(data);
            return Shard.of(k, all, ShardPlanner.rowsOf(all.size(), workers, k, seed, shuffle));
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + k + " could not read " + uri + ": " + e.getMessage(), e);
        }
    }
}
