package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.run.CheckpointStore;
import io.spindle.driver.run.Storage;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Spark local[2]: shards spooled to local disk as uint8 train to the bits of float32 shards in memory, also when a
 * worker fails and the second attempt maps the spool files the first one wrote; no spool file outlives the job,
 * whether it succeeds or fails.
 */
@Tag("spark")
class SpooledShardsTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("spool", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        System.clearProperty(InjectedFailure.PROPERTY);
        spark.stop();
    }

    private static DistributedTrainer.Outcome train(JobConfig job, Dataset rows, Path run, List<String> log) throws Exception {
        CheckpointStore store = new CheckpointStore(Storage.withDefaults(), run.toString(), job.checkpoint().keep());
        return new DistributedTrainer(spark).withCheckpoints(store, null, log::add).train(job, rows, null, TrainingListener.NONE);
    }

    private static List<Path> spoolFiles() throws Exception {
        Path dir = ShardCache.localDir().resolve("spindle-spool-" + ProcessHandle.current().pid());
        if (!Files.isDirectory(dir)) return List.of();
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void uint8OnDiskTrainsTheBitsOfFloat32InMemoryThroughAFailureAndLeavesNoSpool(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        List<String> log = new ArrayList<>();
        DistributedTrainer.Outcome memory = train(AutomaticResumeTest.job("ring", "data.storage=float32", "data.cache=memory"), rows, dir.resolve("m"), log);
        assertTrue(log.stream().anyMatch(l -> l.contains("rows kept in executor memory")), log.toString());

        System.setProperty(InjectedFailure.PROPERTY, "1:17");
        DistributedTrainer.Outcome disk;
        try {
            disk = train(AutomaticResumeTest.job("ring", "data.storage=uint8", "data.cache=disk"), rows, dir.resolve("d"), log);
        } finally {
            System.clearProperty(InjectedFailure.PROPERTY);
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("rows spooled to each executor's local disk")), log.toString());
        assertEquals(2, disk.attempts());
        assertArrayEquals(memory.params(), disk.params(), "uint8 spooled, resumed = float32 in memory, bit for bit");
        assertArrayEquals(memory.optimizerState(), disk.optimizerState());
        assertEquals(List.of(), spoolFiles(), "the run's spool files are gone");
    }

    @Test
    void aFailedJobLeavesNoSpool(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        System.setProperty(InjectedFailure.PROPERTY, "0:3");
        try {
            JobConfig once = AutomaticResumeTest.job("ring", "data.cache=disk", "checkpoint.max_attempts=1");
            assertThrows(RuntimeException.class, () -> train(once, rows, dir.resolve("f"), new ArrayList<>()));
        } finally {
            System.clearProperty(InjectedFailure.PROPERTY);
        }
        assertEquals(List.of(), spoolFiles());
    }

    /** fashion rows as a DataFrame of (f array<float>, y double) in {@code partitions} input partitions. */
    private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame(Dataset rows, int partitions) {
        List<org.apache.spark.sql.Row> list = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<Float> f = new ArrayList<>();
            for (float v : rows.features().getRow(i).toFloatVector()) f.add(v);
            list.add(org.apache.spark.sql.RowFactory.create(f, (double) rows.labels().getFloat(i, 0)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("f", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType))
                .add("y", org.apache.spark.sql.types.DataTypes.DoubleType);
        return spark.createDataFrame(list, schema).repartition(partitions);
    }

    @Test
    void aDataFrameIsDealtBySeedNotByHowItWasSplitAndSpoolsAsItStreams(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        JobConfig memory = AutomaticResumeTest.job("ring", "data.cache=memory", "training.shuffle_block=4");
        JobConfig disk = AutomaticResumeTest.job("ring", "data.cache=disk", "training.shuffle_block=4");
        DistributedTrainer.Outcome a = new DistributedTrainer(spark).trainFrame(memory, frame(rows, 3), 1280, "f", null, TrainingListener.NONE);
        DistributedTrainer.Outcome b = new DistributedTrainer(spark).trainFrame(disk, frame(rows, 7), 1280, "f", null, TrainingListener.NONE);
        assertArrayEquals(a.params(), b.params(), "3 or 7 input partitions, in memory or spooled: the same shards, the same bits");
        assertEquals(List.of(), spoolFiles());
        JobConfig rowByRow = AutomaticResumeTest.job("ring", "data.cache=memory");
        DistributedTrainer.Outcome c = new DistributedTrainer(spark).trainFrame(rowByRow, frame(rows, 3), 1280, "f", null, TrainingListener.NONE);
        assertFalse(java.util.Arrays.equals(a.params(), c.params()), "the workers shuffle in the blocks the job asks for");
    }

    @Test
    void aWorkerWhoseSpoolIsLostReadsItsPartitionAgainAndTrainsTheSameBits(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        JobConfig disk = AutomaticResumeTest.job("ring", "data.cache=disk");
        DistributedTrainer.Outcome undisturbed = trainFrameWithCheckpoints(disk, frame(rows, 3), dir.resolve("u"), new ArrayList<>());
        List<String> log = new ArrayList<>();
        // Rank 1 fails at its 7th step and its spool file goes, as with a replacement executor on another disk: the second
        // attempt finds no file for rank 1, reads its partition of the DataFrame again and spools it anew.
        System.setProperty(InjectedFailure.PROPERTY, "1:7:spool");
        DistributedTrainer.Outcome lost;
        try {
            lost = trainFrameWithCheckpoints(disk, frame(rows, 3), dir.resolve("l"), log);
        } finally {
            System.clearProperty(InjectedFailure.PROPERTY);
        }
        assertEquals(2, lost.attempts());
        // The spool lived in this process's directory under Spark's local dir, which the cleanup checks below.
        String spoolDir = ShardCache.localDir().toAbsolutePath().resolve("spindle-spool-" + ProcessHandle.current().pid()).toString();
        assertTrue(log.stream().anyMatch(l -> l.contains("its spool file " + spoolDir) && l.contains(" is deleted")), log.toString());
        assertArrayEquals(undisturbed.params(), lost.params(), "the partition read again holds the same rows in the same order");
        assertArrayEquals(undisturbed.optimizerState(), lost.optimizerState());
        assertEquals(List.of(), spoolFiles());
    }

    private static DistributedTrainer.Outcome trainFrameWithCheckpoints(JobConfig job, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame,
                                                                     Path run, List<String> log) throws Exception {
        CheckpointStore store = new CheckpointStore(Storage.withDefaults(), run.toString(), job.checkpoint().keep());
        return new DistributedTrainer(spark).withCheckpoints(store, null, log::add).trainFrame(job, frame, 1280, "f", null, TrainingListener.NONE);
    }

    @Test
    void storageAndCacheAreValidated() {
        ConfigException storage = assertThrows(ConfigException.class, () -> AutomaticResumeTest.job("ring", "data.storage=int4"));
        assertTrue(storage.getMessage().contains("data.storage") && storage.getMessage().contains("float32, float16, uint8"), storage.getMessage());
        ConfigException cache = assertThrows(ConfigException.class, () -> AutomaticResumeTest.job("ring", "data.cache=ssd"));
        assertTrue(cache.getMessage().contains("data.cache") && cache.getMessage().contains("memory, disk, auto"), cache.getMessage());
    }

    @Test
    void autoSpoolsOnlyWhatDoesNotFitTheHeap() throws Exception {
        JobConfig job = AutomaticResumeTest.job("ring");
        org.apache.spark.SparkConf cluster = new org.apache.spark.SparkConf(false).set("spark.master", "spark://h:7077")
                .set("spark.executor.memory", "1g").set("spark.executor.cores", "1");
        long budget = ShardCache.heapBudget(cluster);
        long rowBytes = 784 + 4;   // uint8 pixels and a float32 label
        // Two workers; each shard is counted twice (Spark's serialized block and the task's copy).
        assertTrue(!ShardCache.choose(job, 2 * (budget / 2 / rowBytes) - 2, cluster).disk());
        assertTrue(ShardCache.choose(job, 2 * (budget / 2 / rowBytes) + 2, cluster).disk());
        assertTrue(!ShardCache.choose(AutomaticResumeTest.job("ring", "data.cache=memory"), Integer.MAX_VALUE, cluster).disk());
    }
}
