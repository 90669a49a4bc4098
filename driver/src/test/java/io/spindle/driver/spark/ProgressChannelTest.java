package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.train.EpochStats;
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
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Spark local[2] with real sockets: strangers flooding the driver's progress port change nothing (every
 * checkpoint and every epoch's validation happen), and a progress channel lost mid-run never passes as a
 * finished run: the attempt is retried from the last checkpoint, or the run fails saying why.
 */
@Tag("spark")
class ProgressChannelTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("progress", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        System.clearProperty(MetricsClient.CUT_PROPERTY);
        spark.stop();
    }

    private static JobConfig job(int maxAttempts) throws Exception {
        return AutomaticResumeTest.job("auto", "checkpoint.max_attempts=" + maxAttempts);
    }

    private static DistributedTrainer trainer(JobConfig job, Path run, List<String> log) {
        CheckpointStore store = new CheckpointStore(Storage.withDefaults(), run.toString(), job.checkpoint().keep());
        return new DistributedTrainer(spark).withCheckpoints(store, null, log::add);
    }

    private static List<String> checkpoints(Path run) throws Exception {
        try (var files = Files.list(run.resolve("checkpoints"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFloodOfSilentConnectionsStopsNeitherCheckpointsNorValidation(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        Dataset validation = FashionMini.test();
        JobConfig job = job(1);
        List<String> log = new ArrayList<>();
        AtomicReference<SilentFlood> flood = new AtomicReference<>();
        DistributedTrainer.Outcome outcome;
        try {
            // The strangers connect the moment the port opens, before rank 0 can.
            outcome = trainer(job, dir, log).observingProgressChannel(address -> {
                try {
                    flood.set(new SilentFlood(address, 60));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).train(job, rows, validation, TrainingListener.NONE);
        } finally {
            if (flood.get() != null) flood.get().close();
        }
        assertEquals(1, outcome.attempts(), log.toString());
        assertEquals(3, outcome.history().epochs().size());
        for (EpochStats e : outcome.history().epochs()) {
            assertTrue(Double.isFinite(e.validationLoss()) && Double.isFinite(e.validationAccuracy()), "epoch " + e.epoch() + " validated: " + e);
        }
        assertEquals(List.of("ckpt-000000000028.spindle", "ckpt-000000000030.spindle"), checkpoints(dir));
        assertTrue(flood.get().opened() >= 60, "the flood ran: " + flood.get().opened());
    }

    @Test
    void aLostChannelIsRetriedFromTheLastCheckpointOrFailsTheRunSayingWhy(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        DistributedTrainer.Outcome clean = trainer(job(2), dir.resolve("clean"), new ArrayList<>()).train(job(2), rows, null, TrainingListener.NONE);
        // From global step 18 nothing reaches the driver, though rank 0 trains on to the end and its stage succeeds.
        System.setProperty(MetricsClient.CUT_PROPERTY, "18");
        try {
            List<String> log = new ArrayList<>();
            DistributedTrainer.Outcome retried = trainer(job(2), dir.resolve("retried"), log).train(job(2), rows, null, TrainingListener.NONE);
            assertEquals(2, retried.attempts(), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.contains("attempt 1 of 2 failed") && l.contains("progress channel")
                    && l.contains("ended before rank 0 said BYE") && l.contains("ckpt-000000000016.spindle")), log.toString());
            assertArrayEquals(clean.params(), retried.params(), "the retried run = the uninterrupted one");

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trainer(job(1), dir.resolve("failed"), new ArrayList<>()).train(job(1), rows, null, TrainingListener.NONE));
            assertTrue(e.getMessage().startsWith("rank 0's progress channel to the driver failed: it ended before rank 0 said BYE")
                    && e.getMessage().contains("no checkpoint or validation was done after global step"), e.getMessage());
        } finally {
            System.clearProperty(MetricsClient.CUT_PROPERTY);
        }
    }
}
