package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.core.nn.Buffers;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Executor side of sharding: worker k reads the training source itself (any Hadoop URI) and keeps only its rows, its
 * virtual shards as the driver's {@link ShardPlanner} chooses them: of an IDX pair it reads only those records
 * ({@link IdxShardReader}), a CSV file whole. It stores them as data.storage says, in memory or written straight to its
 * spool file when the run spools. The rows never travel inside a
 * task message, so a shard may be larger than spark.rpc.message.maxSize. Fields are plain strings.
 */
final class ShardSource implements Function<Integer, Shard> {
    private static final long serialVersionUID = 1L;
    private final String format, uri, labelsUri, labelColumn, task, weightColumn, storage;
    private final boolean header;
    private final int workers, virtualShards;
    private final ShardCache cache;
    private final IdxShardReader idx;   // null: read the whole source and keep this worker's rows (CSV)

    ShardSource(DataConfig data, int workers, int virtualShards, ShardCache cache, IdxShardReader idx) throws IOException {
        Storage storage = Storage.withDefaults();
        this.format = data.format();
        // Relative paths mean the driver's working directory; executors may run elsewhere.
        this.uri = storage.qualify(data.train());
        this.labelsUri = storage.qualify(data.trainLabels());
        this.labelColumn = data.labelColumn();
        this.weightColumn = data.weightColumn();
        this.task = data.task();
        this.storage = data.storage();
        this.cache = cache;
        this.idx = idx;
        this.header = data.header();
        this.workers = workers;
        this.virtualShards = virtualShards;
    }

    @Override
    public Shard call(Integer k) {
        DataConfig data = new DataConfig(format, uri, labelsUri, null, null, labelColumn, header, task, java.util.List.of("features"),
                null, null, 0, java.util.List.of(), null, weightColumn, storage, null);
        try {
            Path spool = cache.disk() ? cache.fileFor(k) : null;
            if (idx != null) {
                return idx.read(k, workers, virtualShards, ShardCodecs.forSource(data, (int) Buffers.product(idx.sampleShape())), spool);
            }
            Dataset all = new DataLoader(Storage.withDefaults()).train(data);
            ValueCodec codec = ShardCodecs.forSource(data, (int) all.features().size(1));
            return Shard.of(k, all, ShardPlanner.rowsOf(all.size(), workers, k, virtualShards), codec, spool);
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + k + " could not read " + uri + ": " + e.getMessage(), e);
        }
    }
}
