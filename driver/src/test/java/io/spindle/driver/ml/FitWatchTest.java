package io.spindle.driver.ml;

import io.spindle.core.config.ConfigException;
import io.spindle.core.train.EpochStats;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training you can watch: epoch lines, the summary (table, DataFrame, save/load), validation rows and early stopping on them. */
@Tag("spark")
class FitWatchTest {
    private static final String NETWORK = "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 16, \"activation\": \"relu\"}, {\"type\": \"dense\", \"units\": 3}]}";
    private static SparkSession spark;
    /** Blobs with a boolean isVal column on every fifth row. */
    private static Dataset<Row> data;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("spindle-fit-watch-test", "local[2]", 2);
        Dataset<Row> blobs = SpindleMlTest.blobs(spark, 500, 5).withColumn("id", expr("monotonically_increasing_id()"));
        data = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features").transform(blobs)
                .withColumn("isVal", expr("id % 5 = 0")).cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SpindleClassifier classifier() {
        return new SpindleClassifier().setNetwork(NETWORK).setEpochs(4).setBatchSize(32).setWorkers(2).setLearningRate(0.01).setSeed(3);
    }

    /** What {@code fit} printed to the caller's console (scala.Console.out: what spark-shell and Zeppelin show). */
    private static String printedBy(Runnable fit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        scala.Console.withOut(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> {
            fit.run();
            return null;
        });
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fitPrintsOneLinePerEpochWithValidationFiguresAndTheSummarySurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        SpindleClassificationModel[] fitted = new SpindleClassificationModel[1];
        String printed = printedBy(() -> fitted[0] = classifier().setValidationIndicatorCol("isVal").fit(data));
        List<String> lines = Arrays.stream(printed.split("\n")).filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(4, lines.size(), printed);
        assertTrue(lines.get(3).matches("epoch 4/4  loss \\d\\.\\d{4}  acc \\d\\.\\d{4}  val_loss \\d\\.\\d{4}  val_acc \\d\\.\\d{4}  .* samples/s  .*"), lines.get(3));

        SpindleClassificationModel model = fitted[0];
        TrainingSummary summary = model.summary();
        long validationRows = data.filter(col("isVal")).count();
        assertEquals(validationRows, summary.validationRows());
        assertEquals(data.count() - validationRows, summary.trainRows());
        assertEquals("validationIndicatorCol \"isVal\"", summary.validationSource());
        assertEquals(4, summary.totalIterations());
        for (EpochStats e : summary.epochs()) {
            assertFalse(Double.isNaN(e.validationLoss()) || Double.isNaN(e.validationAccuracy()), "epoch " + e.epoch() + " was not validated");
        }
        // The last epoch's validation accuracy is the model's accuracy on exactly the isVal rows.
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(data.filter(col("isVal"))));
        assertEquals(accuracy, summary.epochs().get(3).validationAccuracy(), 1e-9);
        assertTrue(summary.wallSeconds() > 0 && summary.samplesPerSecond() > 0);
        assertTrue(summary.toString().contains("validated on " + validationRows + " rows (validationIndicatorCol \"isVal\")"), summary.toString());
        assertTrue(summary.toString().contains("val_loss"), summary.toString());
        Dataset<Row> table = summary.toDataFrame();
        assertEquals(List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "samples_per_sec", "seconds", "learning_rate"), List.of(table.columns()));
        assertEquals(4, table.count());

        String path = dir.resolve("model").toUri().toString();
        model.write().save(path);
        TrainingSummary loaded = SpindleClassificationModel.load(path).summary();
        assertEquals(summary.toString().lines().skip(1).toList(), loaded.toString().lines().skip(1).toList(), "the epoch table survives");
        assertEquals(summary.validationRows(), loaded.validationRows());
        assertEquals(summary.validationSource(), loaded.validationSource());
        assertEquals(summary.wallSeconds(), loaded.wallSeconds(), 1e-9);
    }

    @Test
    void aStringIndexersLabelsNameThePredictionsAndSurviveSaveAndLoad(@TempDir Path dir) throws Exception {
        Dataset<Row> named = data.withColumn("kind", expr("element_at(array('circle', 'square', 'star'), cast(label as int) + 1)"));
        org.apache.spark.ml.feature.StringIndexerModel indexer = new org.apache.spark.ml.feature.StringIndexer().setInputCol("kind")
                .setOutputCol("kindIndex").fit(named);
        Dataset<Row> indexed = indexer.transform(named);
        SpindleClassificationModel model = classifier().setLabelCol("kindIndex").setVerbose(false).fit(indexed);
        assertEquals(List.of(indexer.labelsArray()[0]), List.of(model.getClassNames()));
        String path = dir.resolve("named").toUri().toString();
        model.write().save(path);
        SpindleClassificationModel loaded = SpindleClassificationModel.load(path);
        assertEquals(List.of(indexer.labelsArray()[0]), List.of(loaded.getClassNames()));
        // IndexToString reads the names from the prediction column's metadata; nobody passes it the labels.
        Dataset<Row> out = new org.apache.spark.ml.feature.IndexToString().setInputCol("prediction").setOutputCol("predictedKind")
                .transform(loaded.transform(indexed));
        long right = out.filter(col("predictedKind").equalTo(col("kind"))).count(), total = out.count();
        assertTrue(right > 0.9 * total, right + " of " + total);
    }

    @Test
    void verboseFalsePrintsNothing() {
        assertEquals("", printedBy(() -> classifier().setEpochs(1).setVerbose(false).fit(data)));
    }

    @Test
    void earlyStoppingWatchesTheValidationRowsAndKeepsTheBestEpoch() {
        // Validation labels shifted by one class: the better the model learns the training rows, the worse val_loss gets.
        Dataset<Row> misleading = data.withColumn("label", when(col("isVal"), expr("(label + 1) % 3")).otherwise(col("label")));
        SpindleClassificationModel model = classifier().setEpochs(30).setValidationIndicatorCol("isVal").setEarlyStoppingPatience(2)
                .setVerbose(false).fit(misleading);
        TrainingSummary s = model.summary();
        assertTrue(s.history().stoppedEarly(), s.toString());
        assertTrue(s.totalIterations() < 30, s.toString());
        int best = s.history().bestEpoch();
        assertEquals(s.totalIterations() - 2, best, "patience 2: two epochs after the best");
        double bestLoss = s.epochs().get(best - 1).validationLoss();
        for (EpochStats e : s.epochs()) assertTrue(e.validationLoss() >= bestLoss, s.toString());
        assertTrue(s.toString().contains("stopped early; the weights are epoch " + best + "'s"), s.toString());
    }

    @Test
    void validationAndEarlyStoppingParamsAreCheckedBeforeTraining() {
        assertMessage(() -> classifier().setValidationIndicatorCol("x0").fit(data), "validationIndicatorCol = \"x0\"", "boolean", "double");
        assertMessage(() -> classifier().setValidationIndicatorCol("nope").fit(data), "validationIndicatorCol = \"nope\"");
        assertMessage(() -> classifier().setEarlyStoppingPatience(3).fit(data), "earlyStoppingPatience = 3", "setValidationIndicatorCol");
        assertMessage(() -> classifier().setEarlyStoppingMonitor("loss"), "earlyStoppingMonitor = \"loss\"", "val_loss or val_accuracy");
        assertMessage(() -> classifier().setEarlyStoppingPatience(-1), "earlyStoppingPatience = -1", ">= 0");
        assertMessage(() -> classifier().setValidationIndicatorCol("all").fit(data.withColumn("all", expr("true"))),
                "validationIndicatorCol = \"all\"", "true on all");
        assertMessage(() -> new SpindleRegressor().setNetwork("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}")
                .setValidationIndicatorCol("isVal").setEarlyStoppingPatience(1).setEarlyStoppingMonitor("val_accuracy").fit(data),
                "earlyStoppingMonitor = \"val_accuracy\"", "regressor");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        ConfigException e = assertThrows(ConfigException.class, call);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "\"" + part + "\" not in: " + e.getMessage());
        assertNotNull(e.field());
    }
}
