package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The headline job exactly as the README runs it: fashion-mlp, 5 epochs on the full
 * Fashion-MNIST, must reach the published MLP baseline (≥ 0.88 test accuracy).
 * deploy/run-tests sets spindle.fashion.required when the data is installed, so in CI a
 * missing dataset fails instead of skipping.
 */
@Tag("spark")
class FashionMlpAccuracyTest {
    private static final Path TRAIN = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    @Test
    void reachesPublishedAccuracyOnTheFullDataset(@TempDir Path dir) throws Exception {
        boolean required = Boolean.getBoolean("spindle.fashion.required");
        assumeTrue(required || Files.exists(TRAIN), "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        Path run = dir.resolve("fashion-mlp");
        CliRunner r = CliRunner.run("train", CliRunner.REPO + "/deploy/configs/fashion-mlp.json", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(5, summary.get("epochs").asInt());
        assertEquals(10_000, summary.get("test_samples").asInt());
        assertTrue(summary.get("test_accuracy").asDouble() >= 0.88, summary.toString());
        // Two workers exchange every step: rank 0's share of each epoch spent in the collective is reported.
        JsonNode shares = summary.get("collective_share_per_epoch");
        assertEquals(5, shares.size(), summary.toString());
        for (JsonNode share : shares) assertTrue(share.asDouble() > 0 && share.asDouble() < 1, summary.toString());
        // And every rank's share over the run, rank 0's first (it is the run's collective_share here: one attempt).
        JsonNode byRank = summary.get("collective_share_by_rank");
        assertEquals(2, byRank.size(), summary.toString());
        for (JsonNode share : byRank) assertTrue(share.asDouble() > 0 && share.asDouble() < 1, summary.toString());
        assertEquals(summary.get("collective_share").asDouble(), byRank.get(0).asDouble(), 1e-9, summary.toString());
    }
}
