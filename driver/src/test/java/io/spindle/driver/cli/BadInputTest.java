package io.spindle.driver.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wrong jobs and files are rejected before any work, with a message naming the field or the problem. */
class BadInputTest {

    private static CliRunner train(Path out, String... sets) {
        String[] base = TrainCommandTest.trainArgs("fashion-mlp.json", out);
        String[] all = new String[base.length + sets.length * 2];
        System.arraycopy(base, 0, all, 0, base.length);
        for (int i = 0; i < sets.length; i++) {
            all[base.length + 2 * i] = "--set";
            all[base.length + 2 * i + 1] = sets[i];
        }
        return CliRunner.run(all);
    }

    private static void assertRejected(CliRunner r, Path out, String... fragments) {
        assertEquals(2, r.exitCode(), r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), "expected \"" + f + "\" in: " + r.err());
        assertFalse(Files.exists(out.resolve("model.spindle")), "no work may happen");
    }

    @Test
    void badValuesNameTheFieldTheValueAndWhatIsAllowed(@TempDir Path dir) {
        Path out = dir.resolve("r");
        assertRejected(train(out, "training.batch_size=0"), out, "training.batch_size", "0", "integer in [1,");
        assertRejected(train(out, "training.epochs=-3"), out, "training.epochs", "-3");
        assertRejected(train(out, "optimizer.type=adamax"), out, "optimizer.type", "adamax", "adam");
        assertRejected(train(out, "model.layers[1].activation=relux"), out, "model.layers[1].activation", "relux", "leaky_relu");
        assertRejected(train(out, "model.layers[1].type=conv9d"), out, "model.layers[1].type", "conv9d", "dense");
        assertRejected(train(out, "loss=hinge"), out, "loss", "hinge", "softmax_cross_entropy");
        assertRejected(train(out, "loss={\"type\": \"softmax_cross_entropy\", \"label_smoothing\": 1}"), out,
                "loss.label_smoothing", "1.0", ">= 0 and < 1");
        assertRejected(train(out, "loss={\"type\": \"mse\", \"label_smoothing\": 0.1}"), out, "loss.label_smoothing", "unknown field");
        assertRejected(train(out, "training.epoch=2"), out, "training.epoch", "unknown field", "epochs");
        assertRejected(train(out, "model.input_shape=[783]"), out, "model.input_shape", "784");
        assertRejected(train(out, "model.layers[3].units=5"), out, "model.layers[3]", "10 classes");
        assertRejected(train(out, "training.workers=2", "training.batch_size=129"), out, "training.batch_size", "129",
                "multiple of training.workers (2)", "128 or 130");
        assertRejected(train(out, "checkpoint.keep=0"), out, "checkpoint.keep", "integer in [1,");
        assertRejected(train(out, "checkpoint.every_step=5"), out, "checkpoint.every_step", "unknown field", "every_steps");
        assertRejected(train(out, "training.sync=average", "training.averaging_frequency=4", "checkpoint.every_steps=6"), out,
                "checkpoint.every_steps", "multiple of training.averaging_frequency (4)");
        assertRejected(train(out, "training.bucket_mib=0"), out, "training.bucket_mib", "a number > 0.0 and <= 1024");
        assertRejected(train(out, "training.bucket_mib=64"), out, "training.bucket_mib", "at most the model's gradients", "235146 parameters");
        assertRejected(train(out, "training.overlap=maybe"), out, "training.overlap", "true or false");
        assertRejected(train(out, "training.shuffle_block=0"), out, "training.shuffle_block", "0", "integer in [1,");
        assertRejected(train(out, "data.class_names=[\"a\", \"b\"]"), out, "data.class_names", "2 names", "one per class", "10 units");
        assertRejected(train(out, "data.class_names=[\"a\", \"a\"]"), out, "data.class_names", "distinct");
        assertRejected(train(out, "data.validation_split=1.5"), out, "data.validation_split", "1.5", "strictly between 0 and 1");
        assertRejected(train(out, "data.validation_split=0"), out, "data.validation_split", "strictly between 0 and 1");
        assertRejected(train(out, "data.validation_split=0.1", "data.validation=" + CliRunner.MINI + "/t10k-images-idx3-ubyte.gz"), out,
                "data.validation_split", "one or the other");
        assertRejected(train(out, "data.validation=/nonexistent/v.csv"), out, "data.validation", "does not exist");
        // data.test is evaluated once at the end, never watched: early stopping on val_* needs validation rows.
        assertRejected(train(out, "training.early_stopping={\"monitor\": \"val_loss\"}"), out, "training.early_stopping",
                "add data.validation", "data.validation_split");
        assertRejected(train(out, "data.train=/nonexistent/fashion-mnist/train-images-idx3-ubyte.gz"), out,
                "data.train", "does not exist", "apt-get install dataset-fashion-mnist");
    }

    @Test
    void aModelTooLargeForThisMachineIsRefusedBeforeTraining(@TempDir Path dir) {
        Path out = dir.resolve("big");
        long start = System.nanoTime();
        // 913 M parameters: 3.4 GiB each for parameters and gradients, twice that for Adam's state and the all-reduce, per worker.
        CliRunner r = train(out, "model.layers[1].units=1000000", "training.workers=2");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("native memory for 2 workers") && r.err().contains("lower training.batch_size, training.workers or the model size"), r.err());
        assertTrue(r.out().contains("native memory per worker (estimate): params 3482.8 MiB") && r.out().contains("spark.executor.memoryOverhead="), r.out());
        assertFalse(Files.exists(out.resolve("model.spindle")));
        assertTrue((System.nanoTime() - start) / 1e9 < 60, "before training, not after");
    }

    @Test
    void aNativeLibraryThatCannotLoadStopsTheJobWithWhatToCheck(@TempDir Path dir) throws Exception {
        // A platform whose natives the jar does not carry: what a wrong build or a foreign machine looks like.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.platform=linux-arm64", "-cp", System.getProperty("java.class.path"), "io.spindle.driver.Main"));
        cmd.addAll(List.of(TrainCommandTest.trainArgs("fashion-mlp.json", dir.resolve("r"))));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), output);
        assertTrue(output.contains("spindle: the native library (libnd4j via JavaCPP) did not load") && output.contains("org.bytedeco.javacpp.platform"), output);
    }

    @Test
    void brokenJsonSaysWhere(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.json");
        Files.writeString(job, "{\"model\": {\"layers\": [}\n");
        CliRunner r = CliRunner.run("train", job.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("not valid JSON") && r.err().contains("line 1"), r.err());
    }

    @Test
    void corruptModelFileIsReported(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.spindle");
        Files.writeString(model, "definitely not a model");
        CliRunner r = CliRunner.run("evaluate", model.toString(), "--data", CliRunner.MINI + "/t10k-images-idx3-ubyte.gz");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("not a Spindle model file"), r.err());
    }

    @Test
    void corruptDataFileIsReported(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("train-images-idx3-ubyte");
        Files.write(images, new byte[] {0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3});
        Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0});
        CliRunner r = train(dir.resolve("r"), "data.train=" + images, "data.test=" + images);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
    }

    @Test
    void unknownVerbAndOptionShowUsage() {
        CliRunner r = CliRunner.run("trian", "x.json");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown verb") && r.err().contains("train JOB.json"), r.err());
        CliRunner o = CliRunner.run("train", "x.json", "--epochs", "3");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("--epochs") && o.err().contains("--set"), o.err());
    }
}
