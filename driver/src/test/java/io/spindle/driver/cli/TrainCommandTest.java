package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.Sequential;
import io.spindle.driver.run.StepLoss;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train, evaluate and predict verbs end to end on the shipped Fashion-MNIST subset, on Spark local mode. */
@Tag("spark")
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String FASHION_CLASSES = "[\"T-shirt/top\", \"Trouser\", \"Pullover\", \"Dress\", \"Coat\", \"Sandal\", \"Shirt\","
            + " \"Sneaker\", \"Bag\", \"Ankle boot\"]";

    static String[] trainArgs(String job, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", CliRunner.REPO + "/deploy/configs/" + job, "--out", out.toString()));
        a.addAll(List.of(CliRunner.miniData()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void trainWritesARunDirectoryThenEvaluateAndPredictUseIt(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRunner r = CliRunner.run(trainArgs("fashion-mlp.json", run, "--set", "training.epochs=3", "--set", "training.batch_size=64",
                "--set", "training.workers=2", "--set", "data.class_names=" + FASHION_CLASSES));
        assertEquals(0, r.exitCode(), r.err());
        for (String f : List.of("model.spindle", "history.csv", "summary.json", "job.json", "report.html", "loss.png", "accuracy.png")) {
            assertTrue(Files.exists(run.resolve(f)), f + " missing; out: " + r.out());
        }
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        for (String f : List.of("test_accuracy", "final_train_loss", "train_samples_per_sec", "epochs", "workers", "seconds")) {
            assertTrue(summary.has(f), "summary.json lacks " + f);
        }
        assertEquals(2, summary.get("workers").asInt());
        assertEquals(3, summary.get("epochs").asInt());
        // 2,000 training images, 3 epochs: far above the 10% of guessing.
        assertTrue(summary.get("test_accuracy").asDouble() > 0.70, summary.toString());
        assertEquals(4, Files.readAllLines(run.resolve("history.csv")).size());
        assertTrue(r.out().contains("epoch 3/3"), r.out());
        // The step log: every step of this short run (global step, epochs done, loss, the cosine schedule's rate), whose
        // last epoch's losses average near the epoch's training loss (rank 0's batches against all rows).
        List<StepLoss> steps = StepLoss.parseCsv(Files.readString(run.resolve(StepLoss.FILE)), "steps.csv");
        assertEquals(summary.get("steps").asLong(), steps.size());
        assertEquals(3.0, steps.get(steps.size() - 1).epoch(), 1e-12);
        assertEquals(0.001, steps.get(0).learningRate(), 1e-12);
        assertTrue(steps.get(steps.size() - 1).learningRate() < steps.get(0).learningRate(), "the cosine schedule's rate falls");
        double lastEpoch = steps.stream().filter(p -> p.epoch() > 2).mapToDouble(StepLoss::loss).average().orElseThrow();
        double trainLoss = JSON.readTree(run.resolve("summary.json").toFile()).get("final_train_loss").asDouble();
        assertEquals(trainLoss, lastEpoch, 0.2 * trainLoss, "the last epoch's step losses against its training loss");
        for (String png : List.of("loss-per-step.png", "learning-rate.png", "samples-per-sec.png", "all-reduce-share.png")) {
            assertTrue(Files.size(run.resolve(png)) > 5_000, png);
        }
        // The closing line gives the last epoch's figures beside the run's (whose first epochs are the JIT's).
        assertTrue(java.util.regex.Pattern.compile("trained [\\d,]+ samples/s \\(\\d+% of step time in the all-reduce; last epoch [\\d,]+ samples/s, \\d+%\\)")
                .matcher(r.out()).find(), r.out());

        CliRunner eval = CliRunner.run("evaluate", run.toString(), "--data", CliRunner.MINI + "/t10k-images-idx3-ubyte.gz");
        assertEquals(0, eval.exitCode(), eval.err());
        JsonNode metrics = JSON.readTree(eval.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(summary.get("test_accuracy").asDouble(), metrics.get("accuracy").asDouble(), 1e-9);
        // data.class_names name the classes in the confusion matrix (evaluate's and the report's) and in predict's output.
        assertTrue(eval.out().contains("T-shirt/top") && eval.out().lines().anyMatch(l -> l.trim().startsWith("Ankle boot")), eval.out());
        assertEquals("Sneaker", summary.get("class_names").get(7).asText());
        assertTrue(Files.readString(run.resolve("report.html")).contains("<th>Ankle boot</th>"));

        Path csv = dir.resolve("pred.csv");
        CliRunner pred = CliRunner.run("predict", run.resolve("model.spindle").toString(), "--data",
                CliRunner.MINI + "/t10k-images-idx3-ubyte.gz", "--out", csv.toString());
        assertEquals(0, pred.exitCode(), pred.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(501, lines.size());
        assertTrue(lines.get(0).startsWith("row,predicted,predicted_class,p_0,"), lines.get(0));
        String[] first = lines.get(1).split(",");
        assertEquals(JSON.readTree(run.resolve("job.json").toFile()).at("/data/class_names/" + first[1]).asText(), first[2]);
        double sum = 0;
        for (int i = 3; i < first.length; i++) sum += Double.parseDouble(first[i]);
        assertEquals(1.0, sum, 1e-4, "class probabilities sum to one");

        // The saved model is the trained one: loading and evaluating reproduces the summary.
        Sequential loaded = Sequential.load(run.resolve("model.spindle"));
        assertEquals(summary.get("params").asLong(), loaded.network().numParams());
    }

    @Test
    void coordinatorTransportWithParameterAveraging(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("avg");
        CliRunner r = CliRunner.run(trainArgs("fashion-mlp-small.json", run, "--set", "training.epochs=2", "--set", "training.workers=2",
                "--set", "training.transport=coordinator", "--set", "training.sync=average", "--set", "training.averaging_frequency=4"));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.get("test_accuracy").asDouble() > 0.6, summary.toString());
        JsonNode job = JSON.readTree(run.resolve("job.json").toFile());
        assertEquals("coordinator", job.get("training").get("transport").asText());
    }

    @Test
    void earlyStoppingOnTheDriverStopsEveryWorker(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("es");
        // min_delta so large that no epoch after the first improves: patience 1 ends the job after epoch 2.
        CliRunner r = CliRunner.run(trainArgs("fashion-mlp-small.json", run, "--set", "training.epochs=6", "--set", "training.workers=2",
                "--set", "data.validation_split=0.1",
                "--set", "training.early_stopping={\"monitor\": \"val_loss\", \"patience\": 1, \"min_delta\": 1e9}"));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(2, summary.get("epochs").asInt(), summary.toString());
        assertTrue(summary.get("stopped_early").asBoolean());
        assertEquals(1, summary.get("best_epoch").asInt());
        assertEquals(3, Files.readAllLines(run.resolve("history.csv")).size());
    }

    @Test
    void theValidationSetIsHeldOutOfTrainingAndTheTestSetIsOnlyEvaluatedAtTheEnd(@TempDir Path dir) throws Exception {
        Path split = dir.resolve("split"), named = dir.resolve("named");
        CliRunner r = CliRunner.run(trainArgs("fashion-mlp-small.json", split, "--set", "training.epochs=2", "--set", "data.validation_split=0.2"));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode s = JSON.readTree(split.resolve("summary.json").toFile());
        int all = io.spindle.core.data.IdxReader.read(Path.of(CliRunner.MINI, "train-images-idx3-ubyte.gz"),
                Path.of(CliRunner.MINI, "train-labels-idx1-ubyte.gz")).size();
        int held = (int) io.spindle.core.data.RowSelection.heldOut(all, 0.2, 42).rows();   // the job's seed
        assertEquals("data.validation_split 0.2 of data.train", s.get("validation_source").asText());
        assertEquals(held, s.get("validation_rows").asInt());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%,d training rows, %,d validation rows", all - held, held)), r.out());
        assertTrue(s.has("final_val_loss") && s.has("final_val_accuracy") && s.has("test_accuracy"), s.toString());
        assertTrue(s.get("test_source").asText().startsWith("data.test "), s.toString());
        List<String> history = Files.readAllLines(split.resolve("history.csv"));
        double lastValLoss = Double.parseDouble(history.get(2).split(",")[3]);
        assertEquals(s.get("final_val_loss").asDouble(), lastValLoss, 1e-4 * lastValLoss);
        assertTrue(Math.abs(s.get("final_val_loss").asDouble() - s.get("test_loss").asDouble()) > 1e-9, "validation figures are not the test's");
        String report = Files.readString(split.resolve("report.html"));
        assertTrue(report.contains("data.validation_split 0.2 of data.train") && report.contains("validation set (after every epoch)"), report);

        CliRunner n = CliRunner.run(trainArgs("fashion-mlp-small.json", named, "--set", "training.epochs=1",
                "--set", "data.validation=" + CliRunner.MINI + "/t10k-images-idx3-ubyte.gz"));
        assertEquals(0, n.exitCode(), n.err() + n.out());
        JsonNode t = JSON.readTree(named.resolve("summary.json").toFile());
        assertEquals(t.get("test_samples").asInt(), t.get("validation_rows").asInt());
        assertTrue(t.get("validation_source").asText().startsWith("data.validation "), t.toString());
    }

    @Test
    void moreWorkersThanLocalSlotsIsRefusedAtOnce(@TempDir Path dir) {
        long start = System.nanoTime();
        CliRunner r = CliRunner.run(trainArgs("fashion-mlp.json", dir.resolve("slots"), "--set", "training.workers=2", "--master", "local[1]"));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("training.workers") && r.err().contains("local[2]"), r.err());
        assertTrue((System.nanoTime() - start) / 1e9 < 30, "within seconds, not Spark's slot wait");
    }

    @Test
    void aDivergingWorkerStopsTheJobWithTheStepNamed(@TempDir Path dir) {
        Path run = dir.resolve("nan");
        CliRunner r = CliRunner.run(trainArgs("fashion-mlp.json", run, "--set", "training.epochs=1", "--set", "training.workers=2",
                "--set", "optimizer.learning_rate=1e30", "--set", "training.transport=ring", "--set", "checkpoint.every_steps=1"));
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("training diverged") && r.err().contains("(global step 2)") && r.err().contains("layer "), r.err());
        assertTrue(r.err().contains("the last good checkpoint is kept: ") && r.err().contains("ckpt-000000000001.spindle"), r.err());
        assertFalse(r.out().contains("attempt 1 of"), "a divergence is not retried");
        assertTrue(Files.exists(run.resolve("checkpoints/ckpt-000000000001.spindle")));
        assertTrue(!java.nio.file.Files.exists(run.resolve("model.spindle")), "no model from a failed run");
    }

    @Test
    void linearRegressionLearnsSlopeAndNoiseMean(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("lin");
        CliRunner r = CliRunner.run("train", CliRunner.REPO + "/deploy/configs/linear-regression.json", "--out", run.toString(),
                "--set", "data.train=" + CliRunner.REPO + "/deploy/configs/data/linear.csv");
        assertEquals(0, r.exitCode(), r.err());
        Sequential model = Sequential.load(run.resolve("model.spindle"));
        float[] p = model.network().params().toFloatVector();
        assertEquals(3.0, p[0], 0.1, "slope");
        assertEquals(2.5, p[1], 0.1, "intercept = 2 + mean of U[0,1) noise");

        CliRunner inspect = CliRunner.run("inspect", run.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        java.util.regex.Matcher w = java.util.regex.Pattern.compile("dense_0\\.W .*\\n\\s+= \\[([-0-9.e]+)\\]").matcher(inspect.out());
        java.util.regex.Matcher b = java.util.regex.Pattern.compile("dense_0\\.b .*\\n\\s+= \\[([-0-9.e]+)\\]").matcher(inspect.out());
        assertTrue(w.find() && b.find(), inspect.out());
        assertEquals(3.0, Double.parseDouble(w.group(1)), 0.1, inspect.out());
        assertEquals(2.5, Double.parseDouble(b.group(1)), 0.1, inspect.out());
    }
}
