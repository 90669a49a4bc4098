package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.io.Checkpoint;
import io.spindle.core.io.CheckpointFile;
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

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Spark local[2]: a checkpoint is global, so a run stopped mid-epoch on 2 workers goes on on 1, and one stopped
 * on 1 goes on on 2, each ending where the uninterrupted run ends, within the N ≡ 1 tolerance (float summation order).
 */
@Tag("spark")
class ElasticResumeTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("elastic", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static JobConfig job(int workers) throws Exception {
        // 64 virtual shards × 20 rows, global batch 128: 10 steps per epoch; 3 epochs; a checkpoint every 4 steps.
        String json = """
                {"name": "elastic", "data": {"train": "unused"},
                 "model": {"input_shape": [784], "layers": [{"type": "rescaling", "scale": 0.00392},
                   {"type": "dense", "units": 64, "activation": "relu"}, {"type": "dense", "units": 10}]},
                 "optimizer": {"type": "adam", "learning_rate": 0.002},
                 "training": {"epochs": 3, "batch_size": 128, "seed": 5, "workers": %d},
                 "checkpoint": {"every_steps": 4, "keep": 20, "max_attempts": 1}}
                """.formatted(workers);
        return JobConfig.parse(json, "test", List.of());
    }

    private static DistributedTrainer.Outcome train(JobConfig job, Dataset rows, Path run, Checkpoint from) throws Exception {
        CheckpointStore store = new CheckpointStore(Storage.withDefaults(), run.toString(), job.checkpoint().keep());
        List<String> log = new ArrayList<>();
        return new DistributedTrainer(spark).withCheckpoints(store, from, log::add).train(job, rows, null, TrainingListener.NONE);
    }

    private static Checkpoint checkpoint(Path run, long globalStep) throws Exception {
        Path file = run.resolve("checkpoints").resolve(String.format("ckpt-%012d.spindle", globalStep));
        try (InputStream in = Files.newInputStream(file)) {
            return CheckpointFile.read(in, file.toString());
        }
    }

    @Test
    void aCheckpointResumesOnAnotherWorkerCountWithTheUninterruptedResult(@TempDir Path dir) throws Exception {
        Dataset rows = FashionMini.train().rows(0, 1280);
        DistributedTrainer.Outcome two = train(job(2), rows, dir.resolve("two"), null);
        DistributedTrainer.Outcome one = train(job(1), rows, dir.resolve("one"), null);
        assertClose(one.params(), two.params(), "uninterrupted: 1 worker vs 2");

        // Global step 16 is epoch 2, step 6: mid-epoch, so the epoch's totals so far travel with it too.
        Checkpoint fromTwo = checkpoint(dir.resolve("two"), 16), fromOne = checkpoint(dir.resolve("one"), 16);
        assertEquals(6, fromTwo.step());
        DistributedTrainer.Outcome twoToOne = train(job(1), rows, dir.resolve("two-to-one"), fromTwo);
        DistributedTrainer.Outcome oneToTwo = train(job(2), rows, dir.resolve("one-to-two"), fromOne);

        assertEquals(30, twoToOne.iteration());
        assertEquals(30, oneToTwo.iteration());
        assertClose(twoToOne.params(), two.params(), "2 → 1 workers vs 2 uninterrupted");
        assertClose(twoToOne.optimizerState(), two.optimizerState(), "2 → 1 workers: Adam's moments");
        assertClose(oneToTwo.params(), one.params(), "1 → 2 workers vs 1 uninterrupted");
        double lossTwo = two.history().epochs().get(2).trainLoss(), lossTwoToOne = twoToOne.history().epochs().get(2).trainLoss();
        assertEquals(lossTwo, lossTwoToOne, 1e-4 * lossTwo, "the last epoch's training loss, counted over the resume");
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        double num = 0, den = 0;
        for (int i = 0; i < actual.length; i++) {
            num += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
            den += (double) expected[i] * expected[i];
        }
        double rel = Math.sqrt(num / den);
        assertTrue(rel <= 1e-4, what + ": relative difference " + rel + " > 1e-4");
    }
}
