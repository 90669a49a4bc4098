package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolutional, recurrent and attention example jobs, short: each trains as shipped (its own network,
 * optimizer, batch and worker count) for two epochs on the 2,000-image Fashion-MNIST subset, and must
 * learn well beyond the 10% of guessing. The full runs are `deploy/spindle train deploy/configs/JOB.json`.
 */
@Tag("spark")
class ExampleJobsRunTest {

    @ParameterizedTest(name = "{0}")
    // Thresholds ~0.1 below what these deterministic runs reach here (0.822, 0.656, 0.742, 0.538, 0.520, 0.700, 0.600),
    // so another CPU's rounding cannot flip them. Batch norm's is the lowest: after 62 steps its running averages
    // (momentum 0.99) still carry 0.99^62 ≈ 54% of their initial values, which inference uses. The ResNet takes
    // 30 steps of batch 128 here, and global average pooling learns slowly at first; its three-stage recipe with
    // label smoothing reaches 0.580–0.600 (the two-stage one 0.408), so its threshold rose from 0.30 to 0.45.
    @CsvSource({"fashion-cnn, 0.65", "fashion-cnn-bn, 0.50", "fashion-lstm, 0.60", "fashion-gru, 0.45",
            "fashion-rnn, 0.45", "fashion-transformer, 0.60", "fashion-resnet, 0.45"})
    void trainsShortOnTheSubset(String job, double atLeast, @TempDir Path dir) throws Exception {
        Path run = dir.resolve(job);
        CliRunner r = CliRunner.run(TrainCommandTest.trainArgs(job + ".json", run, "--set", "training.epochs=2"));
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(2, summary.get("epochs").asInt());
        double accuracy = summary.get("test_accuracy").asDouble();
        System.out.printf("%s: test accuracy %.3f after 2 epochs on the subset%n", job, accuracy);   // the margin, in the surefire report
        assertTrue(accuracy >= atLeast, job + ": test accuracy " + accuracy + " < " + atLeast);
    }
}
