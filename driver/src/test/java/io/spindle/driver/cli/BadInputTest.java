package io.spindle.driver.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
        assertRejected(train(out, "training.epoch=2"), out, "training.epoch", "unknown field", "epochs");
        assertRejected(train(out, "model.input_shape=[783]"), out, "model.input_shape", "784");
        assertRejected(train(out, "model.layers[3].units=5"), out, "model.layers[3]", "10 classes");
        assertRejected(train(out, "data.train=/nonexistent/fashion-mnist/train-images-idx3-ubyte.gz"), out,
                "data.train", "does not exist", "apt-get install dataset-fashion-mnist");
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
