package io.spindle.driver.spark;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Spark local[2]: a worker that fails mid-epoch makes the coordinator start a second attempt from the
 * newest checkpoint, at the same step and data order, and the job ends with exactly the parameters of
 * the uninterrupted run (dropout included).
 */
@Tag("spark")
class AutomaticResumeTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("resume", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        System.clearProperty(InjectedFailure.PROPERTY);
        spark.stop();
    }

    static JobConfig job(String transport, String... overrides) throws Exception {
        // 2 shards × 640 rows, local batch 64: 10 steps per epoch; 3 epochs; checkpoints every 4 steps and at epoch ends.
        String json = """
                {"name": "resume", "data": {"train": "unused"},
                 "model": {"input_shape": [784], "layers": [{"type": "rescaling", "scale": 0.00392},
                   {"type": "dense", "units": 64, "activation": "relu"}, {"type": "dropout", "rate": 0.2}, {"type": "dense", "units": 10}]},
                 "optimizer": {"type": "adam", "learning_rate": 0.002},
                 "training": {"epochs": 3, "batch_size": 128, "seed": 5, "workers": 2, "transport": "%s"},
                 "checkpoint": {"every_steps": 4, "keep": 2, "max_attempts": 2}}
                """.formatted(transport);
        return JobConfig.parse(json, "test", List.of(overrides));
    }

    private static DistributedTrainer.Outcome train(JobConfig job, Dataset rows, Path run, List<String> log) throws Exception {
        CheckpointStore store = new CheckpointStore(Storage.withDefaults(), run.toString(), job.checkpoint().keep());
        return new DistributedTrainer(spark).withCheckpoints(store, null, log::add).train(job, rows, null, TrainingListener.NONE);
    }

    @Test
    void aFailedWorkerIsResumedFromTheCheckpointWithTheUninterruptedResult(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        JobConfig job = job("auto");
        List<String> log = new ArrayList<>();
        DistributedTrainer.Outcome clean = train(job, rows, dir.resolve("clean"), log);
        assertEquals(1, clean.attempts());
        assertEquals(0, clean.stepsRedone());

        // Rank 1 dies at its 17th all-reduce (epoch 2, step 7): the newest checkpoint is global step 16 (epoch 2, step 6).
        System.setProperty(InjectedFailure.PROPERTY, "1:17");
        DistributedTrainer.Outcome resumed;
        try {
            resumed = train(job, rows, dir.resolve("failed"), log);
        } finally {
            System.clearProperty(InjectedFailure.PROPERTY);
        }
        assertEquals(2, resumed.attempts());
        assertTrue(resumed.stepsRedone() >= 0 && resumed.stepsRedone() <= 1, "steps redone: " + resumed.stepsRedone());
        assertTrue(log.stream().anyMatch(l -> l.contains("attempt 1 of 2 failed at global step 16")
                && l.contains("ckpt-000000000016.spindle (epoch 2, step 6, global step 16)")), log.toString());
        assertArrayEquals(clean.params(), resumed.params(), "resumed = uninterrupted, bit for bit");
        assertArrayEquals(clean.optimizerState(), resumed.optimizerState());
        assertEquals(30, resumed.iteration());
        assertEquals(3, resumed.history().epochs().size());
        try (var files = Files.list(dir.resolve("failed/checkpoints"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("ckpt-000000000028.spindle", "ckpt-000000000030.spindle"), names, "keep 2, no temp files");
        }
    }
}
