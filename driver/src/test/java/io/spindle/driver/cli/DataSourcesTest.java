package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.testing.FashionMini;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train on Parquet, JSON lines and LibSVM through Spark's readers; bad columns and ragged rows refused before training. */
@Tag("spark")
class DataSourcesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    private static SparkSession spark;

    @BeforeAll
    static void writeData() throws Exception {
        // The CLI trains in this session (it reuses a running one, as under spark-shell) and leaves it running.
        spark = SparkSessions.getOrCreate("data-sources-test", "local[2]", 2);
        for (String split : List.of("train", "test")) {
            io.spindle.core.data.Dataset d = split.equals("train") ? FashionMini.train() : FashionMini.test();
            float[][] x = d.features().toFloatMatrix();
            float[] y = d.labels().dup().data().asFloat();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < x.length; i++) rows.add(RowFactory.create(x[i], (int) y[i]));
            StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
            spark.createDataFrame(rows, schema).write().parquet(data.resolve("fashion-" + split + ".parquet").toString());
        }
        // Three separable blobs as JSON lines (numeric columns) and as LibSVM (1-based sparse indices).
        Random rng = new Random(3);
        double[][] centres = {{2, 0, 0, 1}, {-2, 1, 0, -1}, {0, -2, 2, 0}};
        StringBuilder json = new StringBuilder(), svm = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            int k = i % 3;
            double[] v = new double[4];
            for (int j = 0; j < 4; j++) v[j] = centres[k][j] + 0.5 * rng.nextGaussian();
            json.append(String.format(Locale.ROOT, "{\"x0\": %.4f, \"x1\": %.4f, \"x2\": %.4f, \"x3\": %.4f, \"label\": %d, \"name\": \"b%d\"}%n",
                    v[0], v[1], v[2], v[3], k, k));
            svm.append(k);
            for (int j = 0; j < 4; j++) svm.append(String.format(Locale.ROOT, " %d:%.4f", j + 1, v[j]));
            svm.append('\n');
        }
        Files.writeString(data.resolve("blobs.json"), json);
        Files.writeString(data.resolve("blobs.libsvm"), svm);
        Files.writeString(data.resolve("blobs-job.json"), """
                {"name": "blobs", "data": {"train": "%s"},
                 "model": {"input_shape": [4], "layers": [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 3}]},
                 "optimizer": {"type": "adam", "learning_rate": 0.01}, "training": {"epochs": 5, "batch_size": 32, "workers": 2}}
                """.formatted(data.resolve("blobs.json")));
        // Ragged: one row short of the others.
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.DoubleType);
        spark.createDataFrame(List.of(RowFactory.create(new double[] {1, 2, 3, 4}, 0.0), RowFactory.create(new double[] {1, 2, 3}, 1.0)), schema)
                .write().parquet(data.resolve("ragged.parquet").toString());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static CliRunner blobs(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", data.resolve("blobs-job.json").toString(), "--out", out.toString()));
        a.addAll(List.of(extra));
        return CliRunner.run(a.toArray(new String[0]));
    }

    private static double accuracy(Path run) throws Exception {
        return JSON.readTree(run.resolve("summary.json").toFile()).get("test_accuracy").asDouble();
    }

    @Test
    void parquetWithAnArrayColumn(@TempDir Path out) throws Exception {
        Path run = out.resolve("pq");
        CliRunner r = CliRunner.run("train", CliRunner.REPO + "/deploy/configs/fashion-mlp-small.json", "--out", run.toString(),
                "--set", "data.train=" + data.resolve("fashion-train.parquet"), "--set", "data.test=" + data.resolve("fashion-test.parquet"),
                "--set", "data.features_column=pixels", "--set", "training.epochs=2", "--set", "training.workers=2",
                "--set", "data.validation_split=0.25");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        int validationRows = summary.get("validation_rows").asInt();
        assertTrue(validationRows > 400 && validationRows < 600, "a quarter of 2,000 rows held out: " + validationRows);
        assertTrue(r.out().contains(String.format(Locale.ROOT, "%,d training rows, %,d validation rows, 500 test rows", 2000 - validationRows,
                validationRows)), r.out());
        assertTrue(accuracy(run) > 0.65, "accuracy " + accuracy(run));
        // evaluate reads Parquet as train does, and finds the test accuracy train reported.
        CliRunner eval = CliRunner.run("evaluate", run.toString(), "--data", data.resolve("fashion-test.parquet").toString(),
                "--features-column", "pixels");
        assertEquals(0, eval.exitCode(), eval.err() + eval.out());
        JsonNode figures = JSON.readTree(eval.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertEquals(accuracy(run), figures.get("accuracy").asDouble(), 1e-9);
        JsonNode job = JSON.readTree(run.resolve("job.json").toFile());
        assertEquals("parquet", job.get("data").get("format").asText());
        assertTrue(JSON.readTree(run.resolve("summary.json").toFile()).get("data_fingerprint").asText().startsWith("xxhash64-xor:"));
        assertTrue(Files.exists(run.resolve("report.html")));
    }

    @Test
    void jsonLinesWithNumericColumnsAndLibSvm(@TempDir Path out) throws Exception {
        Path json = out.resolve("json");
        CliRunner r = blobs(json, "--set", "data.features_column=[\"x0\", \"x1\", \"x2\", \"x3\"]",
                "--set", "data.test=" + data.resolve("blobs.json"));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(accuracy(json) > 0.9, "accuracy " + accuracy(json));
        // predict reads JSON lines as train does and writes Parquet (by the extension) or CSV.
        Path preds = out.resolve("preds.parquet");
        CliRunner p = CliRunner.run("predict", json.toString(), "--data", data.resolve("blobs.json").toString(),
                "--features-column", "x0,x1,x2,x3", "--out", preds.toString());
        assertEquals(0, p.exitCode(), p.err() + p.out());
        org.apache.spark.sql.Dataset<Row> table = spark.read().parquet(preds.toString());
        assertEquals(List.of("row", "predicted", "p_0", "p_1", "p_2"), List.of(table.columns()));
        assertEquals(600, table.count());
        long right = spark.read().json(data.resolve("blobs.json").toString()).withColumn("row", org.apache.spark.sql.functions.expr("monotonically_increasing_id()"))
                .join(table, "row").filter("label = predicted").count();
        assertEquals(accuracy(json), right / 600.0, 1e-9);

        Path svm = out.resolve("svm");
        r = blobs(svm, "--set", "data.train=" + data.resolve("blobs.libsvm"), "--set", "data.test=" + data.resolve("blobs.libsvm"));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(accuracy(svm) > 0.9, "accuracy " + accuracy(svm));
        Path csv = out.resolve("svm-preds.txt");
        p = CliRunner.run("predict", svm.toString(), "--data", data.resolve("blobs.libsvm").toString(), "--out", csv.toString());
        assertEquals(0, p.exitCode(), p.err() + p.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("row,predicted,p_0,p_1,p_2", lines.get(0));
        assertEquals(601, lines.size());
    }

    @Test
    void missingColumnsWrongTypesAndRaggedRowsAreRefusedBeforeTraining(@TempDir Path out) {
        CliRunner r = blobs(out.resolve("a"), "--set", "data.features_column=[\"x0\", \"x9\"]");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("data.features_column = \"x9\"") && r.err().contains("x0, x1, x2, x3"), r.err());
        assertFalse(r.out().contains("epoch"), "before training");

        r = blobs(out.resolve("b"), "--set", "data.features_column=[\"x0\", \"x1\", \"x2\", \"x3\"]", "--set", "data.label_column=name");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("data.label_column = \"name\"") && r.err().contains("numeric"), r.err());

        r = blobs(out.resolve("c"), "--set", "data.features_column=name");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("Vector or array"), r.err());

        r = blobs(out.resolve("d"), "--set", "data.train=" + data.resolve("ragged.parquet"));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("data.features_column = \"features\"") && r.err().contains("ragged, holding 3 to 4 values"), r.err());

        r = blobs(out.resolve("e"), "--set", "data.features_column=[\"x0\", \"x1\", \"x2\"]");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("rows of 4 values") && r.err().contains("hold 3"), r.err());
    }

    /** The fashion training rows as Parquet in 3 part files, one of them damaged by {@code damage}; returns that part. */
    private static Path withDamagedPart(Path dir, java.util.function.Consumer<Path> damage) throws Exception {
        spark.read().parquet(data.resolve("fashion-train.parquet").toString()).repartition(3).write().parquet(dir.toString());
        Path part;
        try (var parts = Files.list(dir)) {
            part = parts.filter(p -> p.getFileName().toString().matches("part-00001-.*\\.parquet")).findFirst().orElseThrow();
        }
        // No checksum file beside it, as on HDFS or S3 with a part damaged before upload: Parquet itself meets the damage.
        Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
        damage.accept(part);
        return part;
    }

    private static CliRunner trainOn(Path table, Path out) {
        return CliRunner.run("train", CliRunner.REPO + "/deploy/configs/fashion-mlp-small.json", "--out", out.toString(),
                "--set", "data.train=" + table, "--set", "data.test=null", "--set", "data.features_column=pixels",
                "--set", "training.epochs=1", "--set", "training.workers=2");
    }

    @Test
    void aCorruptPartFileIsNamedBeforeTraining(@TempDir Path out) throws Exception {
        Path scrambled = withDamagedPart(out.resolve("scrambled.parquet"), p -> {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                byte[] junk = new byte[(int) Math.min(8192, ch.size() / 2)];
                new Random(16).nextBytes(junk);
                ch.write(java.nio.ByteBuffer.wrap(junk), ch.size() / 4);   // the column chunks' pages, not the footer
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliRunner r = trainOn(scrambled.getParent(), out.resolve("a"));
        assertEquals(1, r.exitCode(), r.err() + r.out());
        assertTrue(r.err().contains(scrambled.getFileName().toString()), "names the part: " + r.err());
        assertFalse(r.out().contains("epoch"), "before training: " + r.out());

        Path truncated = withDamagedPart(out.resolve("truncated.parquet"), p -> {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);   // the footer gone
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        r = trainOn(truncated.getParent(), out.resolve("b"));
        assertEquals(1, r.exitCode(), r.err() + r.out());
        assertTrue(r.err().contains(truncated.getFileName().toString()), "names the part: " + r.err());
        assertFalse(r.out().contains("epoch"), "before training: " + r.out());
    }
}
