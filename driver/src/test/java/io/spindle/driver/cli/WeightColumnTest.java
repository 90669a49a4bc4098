package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.spark.SparkSessions;
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
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * data.weight_column through the CLI: a CSV weight column (in the middle of the row) trains as the weighted rows
 * duplicated, JSON lines carry weights to two workers, and a missing, non-numeric or non-positive weight column, or
 * one on a format without named columns, is refused before training naming the field.
 */
@Tag("spark")
class WeightColumnTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> HEAVY = Set.of(3, 10, 50);
    @TempDir
    static Path data;
    private static SparkSession spark;

    @BeforeAll
    static void writeData() throws Exception {
        spark = SparkSessions.getOrCreate("weight-column-test", "local[2]", 2);
        Random rng = new Random(5);
        double[][] centres = {{1, 0, 0, 1}, {-1, 1, 0, -1}, {0, -1, 1, 0}};
        StringBuilder weighted = new StringBuilder("x0,x1,w,x2,x3,label\n"), duplicated = new StringBuilder("x0,x1,x2,x3,label\n");
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < 90; i++) {
            int k = i % 3;
            double[] v = new double[4];
            for (int j = 0; j < 4; j++) v[j] = centres[k][j] + rng.nextGaussian();
            String x = String.format(Locale.ROOT, "%.4f,%.4f,%s%.4f,%.4f,%d%n", v[0], v[1], "%s", v[2], v[3], k);
            weighted.append(x.formatted(HEAVY.contains(i) ? "2," : "1,"));
            duplicated.append(x.formatted(""));
            if (HEAVY.contains(i)) duplicated.append(x.formatted(""));
            json.append(String.format(Locale.ROOT, "{\"x0\": %.4f, \"x1\": %.4f, \"x2\": %.4f, \"x3\": %.4f, \"label\": %d, \"w\": %.3f, \"name\": \"b%d\"}%n",
                    v[0], v[1], v[2], v[3], k, 0.5 + rng.nextDouble(), k));
        }
        Files.writeString(data.resolve("weighted.csv"), weighted);
        Files.writeString(data.resolve("duplicated.csv"), duplicated);
        Files.writeString(data.resolve("blobs.json"), json);
        Files.writeString(data.resolve("zero.json"), json.toString().replaceFirst("\"w\": [0-9.]+", "\"w\": 0.0"));
        Files.writeString(data.resolve("job.json"), """
                {"name": "weights", "data": {"train": "unset", "label_column": "label"},
                 "model": {"input_shape": [4], "layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 3}]},
                 "optimizer": {"type": "adam", "learning_rate": 0.02}, "training": {"epochs": 4, "batch_size": 90, "seed": 4, "workers": 1}}
                """);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static CliRunner train(Path out, String... settings) {
        List<String> a = new ArrayList<>(List.of("train", data.resolve("job.json").toString(), "--out", out.toString()));
        for (String s : settings) a.addAll(List.of("--set", s));
        return CliRunner.run(a.toArray(new String[0]));
    }

    private static JsonNode summary(Path run) throws Exception {
        return JSON.readTree(run.resolve("summary.json").toFile());
    }

    @Test
    void aCsvWeightOfTwoTrainsAsTheRowDuplicated(@TempDir Path out) throws Exception {
        // One worker, one batch per epoch: both runs take the same rows together. The test file has no weight column.
        String test = "data.test=" + data.resolve("duplicated.csv");
        CliRunner a = train(out.resolve("weighted"), "data.train=" + data.resolve("weighted.csv"), "data.weight_column=w", test);
        assertEquals(0, a.exitCode(), a.err() + a.out());
        CliRunner b = train(out.resolve("duplicated"), "data.train=" + data.resolve("duplicated.csv"), "training.batch_size=93", test);
        assertEquals(0, b.exitCode(), b.err() + b.out());
        JsonNode weighted = summary(out.resolve("weighted")), duplicated = summary(out.resolve("duplicated"));
        assertEquals(duplicated.get("final_train_loss").asDouble(), weighted.get("final_train_loss").asDouble(), 1e-6,
                "the reported loss is the weighted mean");
        assertEquals(duplicated.get("test_loss").asDouble(), weighted.get("test_loss").asDouble(), 1e-6, "the same parameters");
        assertEquals("w", JSON.readTree(out.resolve("weighted").resolve("job.json").toFile()).get("data").get("weight_column").asText());
    }

    @Test
    void jsonLinesCarryWeightsToTwoWorkers(@TempDir Path out) throws Exception {
        CliRunner r = train(out, "data.train=" + data.resolve("blobs.json"), "data.features_column=[\"x0\", \"x1\", \"x2\", \"x3\"]",
                "data.weight_column=w", "training.workers=2", "training.batch_size=16", "training.epochs=8", "data.test=" + data.resolve("blobs.json"));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(summary(out).get("test_accuracy").asDouble() > 0.6, r.out());
    }

    @Test
    void aBadWeightColumnIsRefusedBeforeTrainingNamingTheField(@TempDir Path out) {
        String json = "data.train=" + data.resolve("blobs.json"), features = "data.features_column=[\"x0\", \"x1\", \"x2\", \"x3\"]";
        assertRefused(train(out.resolve("a"), json, features, "data.weight_column=imp"), "data.weight_column = \"imp\"", "x0, x1");
        assertRefused(train(out.resolve("b"), json, features, "data.weight_column=name"), "data.weight_column = \"name\"", "numeric");
        assertRefused(train(out.resolve("c"), "data.train=" + data.resolve("zero.json"), features, "data.weight_column=w"),
                "data.weight_column = \"w\"", "> 0", "1 rows");
        assertRefused(train(out.resolve("d"), "data.train=" + data.resolve("weighted.csv"), "data.weight_column=imp"),
                "data.weight_column = \"imp\"", "x0, x1, w");
        assertRefused(train(out.resolve("e"), "data.train=" + CliRunner.MINI + "/train-images-idx3-ubyte.gz", "data.weight_column=w"),
                "data.weight_column", "only for [csv, parquet, json]");
    }

    private static void assertRefused(CliRunner r, String... parts) {
        assertEquals(2, r.exitCode(), r.err() + r.out());
        for (String part : parts) assertTrue(r.err().contains(part), "\"" + part + "\" not in: " + r.err());
        assertFalse(r.out().contains("epoch 1"), "before training: " + r.out());
    }
}
