package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tabular example as shipped: category ids and a vector column feed three named model inputs from a DataFrame
 * (JSON lines), and the wide & deep graph beats the same deep network without its embedding branch on the held-out rows.
 */
@Tag("spark")
class TabularWideDeepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void wideAndDeepBeatsTheNetworkWithoutItsEmbeddings(@TempDir Path dir) throws Exception {
        Path job = Path.of(CliRunner.REPO, "deploy", "configs", "tabular-wide-deep.json");
        double wideDeep = train(job, dir.resolve("wide-deep"));

        ObjectNode deepOnly = (ObjectNode) JSON.readTree(job.toFile());
        ((ObjectNode) deepOnly.get("data")).set("inputs", JSON.readTree("{\"num\": \"x\"}"));
        deepOnly.set("model", JSON.readTree("""
                {"inputs": {"num": [4]}, "nodes": [
                   {"name": "deep_1", "type": "dense", "units": 32, "activation": "relu", "inputs": ["num"]},
                   {"name": "deep_2", "type": "dense", "units": 3, "inputs": ["deep_1"]}], "output": "deep_2"}"""));
        Path baselineJob = dir.resolve("deep-only.json");
        Files.writeString(baselineJob, deepOnly.toString());
        double baseline = train(baselineJob, dir.resolve("deep-only"));

        System.out.printf("tabular: wide & deep %.3f, without the embedding branch %.3f (held-out test rows)%n", wideDeep, baseline);
        assertTrue(wideDeep > baseline + 0.05, "wide & deep " + wideDeep + " vs deep only " + baseline);
    }

    private static double train(Path job, Path run) throws Exception {
        CliRunner r = CliRunner.run("train", job.toString(), "--out", run.toString(),
                "--set", "data.train=" + CliRunner.REPO + "/deploy/configs/data/tabular-train.jsonl",
                "--set", "data.test=" + CliRunner.REPO + "/deploy/configs/data/tabular-test.jsonl");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        return summary.get("test_accuracy").asDouble();
    }
}
