package io.spindle.driver.hdfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.Sequential;
import io.spindle.core.io.ModelFile;
import io.spindle.core.config.ConfigException;
import io.spindle.driver.cli.Cli;
import io.spindle.driver.run.RunLock;
import io.spindle.driver.run.Storage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * hdfs:// end to end on a real in-process HDFS: the job file, the training data (read by each
 * worker for its shard), the run directory and its checkpoints all live on HDFS; a failed worker
 * is resumed from them, and {@code train --resume} continues a finished run.
 */
@Tag("spark")
class HdfsRunTest {
    private static final String REPO = System.getProperty("user.dir") + "/..";
    private static MiniDFSCluster cluster;
    private static String root;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        java.nio.file.Path base = Files.createTempDirectory("minidfs");
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        root = "hdfs://localhost:" + cluster.getNameNodePort();
        FileSystem fs = cluster.getFileSystem();
        String mini = REPO + "/core/src/test/resources/fashion-mini/";
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            fs.copyFromLocalFile(new Path(mini + f), new Path("/data/" + f));
        }
        fs.copyFromLocalFile(new Path(REPO + "/deploy/configs/fashion-mlp.json"), new Path("/jobs/fashion-mlp.json"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) cluster.shutdown();
    }

    @Test
    void jobDataAndRunDirectoryOnHdfs() throws Exception {
        String run = root + "/runs/mlp";
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"train", root + "/jobs/fashion-mlp.json", "--out", run,
                "--set", "data.train=" + root + "/data/train-images-idx3-ubyte.gz", "--set", "data.test=" + root + "/data/t10k-images-idx3-ubyte.gz",
                "--set", "training.epochs=2", "--set", "training.workers=2", "--set", "optimizer.schedule.total_steps=30"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

        FileSystem fs = cluster.getFileSystem();
        for (String f : new String[] {"model.spindle", "history.csv", "summary.json", "job.json", "report.html", "loss.png", "accuracy.png"}) {
            assertTrue(fs.exists(new Path("/runs/mlp/" + f)), f);
        }
        JsonNode summary;
        try (InputStream in = fs.open(new Path("/runs/mlp/summary.json"))) {
            summary = new ObjectMapper().readTree(in);
        }
        assertTrue(summary.get("test_accuracy").asDouble() > 0.6, summary.toString());
        try (InputStream in = fs.open(new Path("/runs/mlp/model.spindle"))) {
            Sequential model = Sequential.fromSaved(ModelFile.read(in, "model.spindle"));
            assertEquals(summary.get("params").asLong(), model.network().numParams());
        }
        // evaluate reads the model back from the HDFS run directory; the atomic writes left no temp files.
        code = Cli.run(new String[] {"evaluate", run, "--data", root + "/data/t10k-images-idx3-ubyte.gz"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(new Path("/runs/mlp"))) names.add(f.getPath().getName());
        assertEquals(new java.util.TreeSet<>(java.util.List.of("model.spindle", "history.csv", "steps.csv", "summary.json", "job.json",
                "report.html", "loss.png", "loss-per-step.png", "accuracy.png", "learning-rate.png", "samples-per-sec.png",
                "all-reduce-share.png", "checkpoints")), names, "the run's files and checkpoints/, no temp files left behind");
        assertEquals(2, fs.listStatus(new Path("/runs/mlp/checkpoints")).length, "the newest 2 (checkpoint.keep)");
    }

    @Test
    void aRunDirectoryOnHdfsTakesOneRunAtATime() throws Exception {
        String dir = root + "/runs/locked";
        Storage storage = Storage.withDefaults();
        FileSystem fs = cluster.getFileSystem();
        Path lock = new Path("/runs/locked/" + RunLock.NAME);
        try (RunLock first = RunLock.acquire(storage, dir, line -> { })) {
            assertTrue(fs.exists(lock));
            ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(storage, dir, line -> { }));
            assertTrue(e.getMessage().contains("is in use by the Spindle run of pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        assertFalse(fs.exists(lock), "released");

        // Another host's lock that nobody refreshed for longer than the staleness limit is taken over.
        try (var out = fs.create(lock, false)) {
            out.write("{\"host\": \"elsewhere.invalid\", \"pid\": 7, \"started\": \"2026-01-01T00:00:00Z\", \"token\": \"t\"}"
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertThrows(ConfigException.class, () -> RunLock.acquire(storage, dir, line -> { }), "refreshed just now: live");
        fs.setTimes(lock, System.currentTimeMillis() - 3_600_000L, -1);
        List<String> log = new java.util.ArrayList<>();
        RunLock.acquire(storage, dir, log::add).close();
        assertTrue(log.size() == 1 && log.get(0).contains("has not refreshed it for"), log.toString());
        assertFalse(fs.exists(lock));
    }

    private static JsonNode summary(String dir) throws Exception {
        try (InputStream in = cluster.getFileSystem().open(new Path(dir + "/summary.json"))) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void aFailedWorkerResumesFromCheckpointsOnHdfsAndTrainResumeContinuesTheRun() throws Exception {
        String run = root + "/runs/resume";
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        // 2 workers × 1,000 rows, local batch 64: 15 steps per epoch. Rank 0 dies at step 12; the newest checkpoint is step 10.
        System.setProperty("spindle.test.fail", "0:12");
        int code;
        try {
            code = Cli.run(new String[] {"train", root + "/jobs/fashion-mlp.json", "--out", run,
                    "--set", "data.train=" + root + "/data/train-images-idx3-ubyte.gz", "--set", "data.test=" + root + "/data/t10k-images-idx3-ubyte.gz",
                    "--set", "training.epochs=2", "--set", "training.workers=2", "--set", "optimizer.schedule.total_steps=45",
                    "--set", "checkpoint.every_steps=5"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("spindle.test.fail");
        }
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(console.contains("attempt 1 of 3 failed") && console.contains("ckpt-000000000010.spindle"), console);
        JsonNode first = summary("/runs/resume");
        assertEquals(2, first.get("attempts").asInt());
        assertTrue(first.get("steps_redone").asInt() >= 1, first.toString());
        FileSystem fs = cluster.getFileSystem();
        List<String> names = Arrays.stream(fs.listStatus(new Path("/runs/resume/checkpoints"))).map(s -> s.getPath().getName()).sorted().toList();
        assertEquals(List.of("ckpt-000000000025.spindle", "ckpt-000000000030.spindle"), names, "the newest 2, no temp files");

        // The run finished 2 epochs; --resume takes its job.json and newest checkpoint and trains a third.
        out.reset();
        code = Cli.run(new String[] {"train", "--resume", run, "--set", "training.epochs=3"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("resuming from " + run + "/checkpoints/ckpt-000000000030.spindle"), out.toString(StandardCharsets.UTF_8));
        JsonNode second = summary("/runs/resume");
        assertEquals(3, second.get("epochs").asInt(), second.toString());
        assertEquals(45, second.get("steps").asInt());
        assertTrue(second.get("test_accuracy").asDouble() > 0.6, second.toString());
    }
}
