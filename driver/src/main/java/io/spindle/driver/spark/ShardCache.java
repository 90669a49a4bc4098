package io.spindle.driver.spark;

import io.spindle.core.data.store.SpoolDirectory;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.driver.job.JobConfig;
import io.spindle.worker.Shard;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.Utils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Where the workers keep their rows for one run ({@code data.cache}): in executor memory, cached by Spark, or spooled
 * once to a file on the executor's local disk (under Spark's local dir) and memory-mapped by every later epoch and by
 * a resumed attempt on the same executor. A replacement executor finds no file and reads its part again.
 */
record ShardCache(boolean disk, String runKey) implements DataFrameShards.ShardSpool {
    /** Spark's own bookkeeping keeps this much of an executor heap (its "reserved memory"). */
    private static final long RESERVED = 300L << 20;

    /** {@code auto} spools when the shards, as kept in memory, would not fit the heap Spark lends its cached blocks. */
    static ShardCache choose(JobConfig job, long rows, SparkConf conf) {
        int workers = job.distributed().workers();
        boolean disk = switch (job.data().cache()) {
            case "disk" -> true;
            case "memory" -> false;
            default -> MemoryEstimate.keptRows(job, rows, false) * tasksPerHeap(conf, workers) > heapBudget(conf);
        };
        byte[] key = new byte[6];
        ThreadLocalRandom.current().nextBytes(key);
        return new ShardCache(disk, "run-" + HexFormat.of().formatHex(key));
    }

    /** The heap an executor (the driver, in local mode) gives Spark's storage and execution: (heap - 300 MiB) x spark.memory.fraction. */
    static long heapBudget(SparkConf conf) {
        String master = conf.get("spark.master", "local");
        long heap = master.startsWith("local") && !master.startsWith("local-cluster") ? Runtime.getRuntime().maxMemory()
                : conf.getSizeAsBytes("spark.executor.memory", "1g");
        return (long) ((heap - RESERVED) * conf.getDouble("spark.memory.fraction", 0.6));
    }

    /** How many workers share one heap, each with its shard cached serialized and held once deserialized. */
    private static long tasksPerHeap(SparkConf conf, int workers) {
        String master = conf.get("spark.master", "local");
        long perHeap = master.startsWith("local") && !master.startsWith("local-cluster") ? workers
                : Math.min(workers, Math.max(1, conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1)));
        return 2 * perHeap;
    }

    String describe() {
        return disk ? "rows spooled to each executor's local disk and memory-mapped (data.cache)" : "rows kept in executor memory (data.cache)";
    }

    /** Memory: Spark caches the shards serialized. Disk: each shard is written to its spool file unless an earlier attempt here did. */
    JavaRDD<Shard> keep(JavaRDD<Shard> shards) {
        if (!disk) return shards.persist(StorageLevel.MEMORY_ONLY_SER());
        return shards.mapPartitionsWithIndex((k, it) -> new SpoolShards(this).call(k, it), true);
    }

    /**
     * This executor's spool file for worker {@code k} of this run, under its first local dir (spark.local.dir, or the one
     * its cluster manager gave it). Not under SparkFiles' root: on an executor that is its working directory, which a
     * replacement executor never opens, so a killed executor's spool would outlive it; a local dir is shared by the
     * application's executors on the host (the next one removes a dead one's spool) and removed with the application.
     */
    @Override
    public Path fileFor(int k) throws IOException {
        return SpoolDirectory.under(localDir()).resolve(runKey + "-w" + k + ".spool");
    }

    static Path localDir() {
        return Path.of(Utils.getLocalDir(SparkEnv.get().conf()));
    }

    /** Best effort at the end of a run: one task per worker removes this run's spool files where it lands. */
    void removeSpools(JavaSparkContext sc, int workers) {
        if (!disk) return;
        List<Integer> ranks = IntStream.range(0, Math.max(workers, sc.defaultParallelism())).boxed().toList();
        ShardCache self = this;
        sc.parallelize(ranks, ranks.size()).foreachPartition(it -> self.removeHere());
    }

    /** Removes this run's spool files in this process's spool directory. */
    void removeHere() throws IOException {
        Path dir = fileFor(0).getParent();
        if (!Files.isDirectory(dir)) return;
        List<Path> mine = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir, runKey + "-w*")) {
            entries.forEach(mine::add);
        }
        for (Path p : mine) Files.deleteIfExists(p);
    }

    /** Executor side of {@link #keep}: the spooled shard of worker k, from the file an earlier attempt left or written now. */
    private record SpoolShards(ShardCache cache) {
        java.util.Iterator<Shard> call(int k, java.util.Iterator<Shard> it) {
            try {
                Path file = cache.fileFor(k);
                if (Files.isRegularFile(file)) return List.of(Shard.openSpool(file)).iterator();
                Shard shard = it.next();
                return List.of(shard.spool() != null ? shard : shard.spoolTo(file)).iterator();
            } catch (IOException e) {
                throw new UncheckedIOException(String.format(Locale.ROOT, "worker %d could not spool its rows: %s", k, e.getMessage()), e);
            }
        }
    }
}
