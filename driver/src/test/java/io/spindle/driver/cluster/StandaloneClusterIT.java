package io.spindle.driver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.cli.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster — a Master and two Workers, each its own JVM, started by
 * deploy/standalone/start-cluster — trains fashion-mlp (on the shipped subset) through Spark's own
 * SparkSubmit with two workers, and must reach the accuracy local mode reaches with the same job;
 * and with one executor JVM killed (SIGKILL) mid-training, the job resumes from its checkpoint and
 * ends within a point of the undisturbed run's accuracy, leaving only intact checkpoints.
 * Runs after {@code package} (failsafe), because the scripts submit the built fat jar.
 */
@Tag("cluster")
class StandaloneClusterIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path HOME = Path.of(System.getProperty("user.dir"), "target", "standalone-it");
    // Ports free now, not fixed ones another process on a CI machine may hold: the master's, and a run of three for
    // the web UIs (the master's, then one per worker, as start-cluster numbers them).
    private static final Map<String, String> ENV = ClusterScripts.env(HOME, 2);
    private static final String MINI = REPO + "/core/src/test/resources/fashion-mini";

    private static String run(long timeoutSeconds, String... command) throws Exception {
        return ClusterScripts.run(ENV, timeoutSeconds, command);
    }

    private static String tail(String s) {
        return ClusterScripts.tail(s);
    }

    @BeforeAll
    static void startCluster() throws Exception {
        run(120, "deploy/standalone/start-cluster", "2", "1", "2g");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        run(60, "deploy/standalone/stop-cluster");
    }

    /** 2 workers × 1,000 rows at local batch 64: 15 steps per epoch, 8 epochs, a checkpoint every 5 steps. */
    private static List<String> jobArgs(Path out) {
        return new ArrayList<>(List.of("train", REPO + "/deploy/configs/fashion-mlp.json", "--out", out.toString(),
                "--set", "data.train=" + MINI + "/train-images-idx3-ubyte.gz", "--set", "data.test=" + MINI + "/t10k-images-idx3-ubyte.gz",
                "--set", "training.workers=2", "--set", "training.epochs=8", "--set", "optimizer.schedule.total_steps=120",
                "--set", "checkpoint.every_steps=5"));
    }

    private static List<String> submitArgs(Path out) {
        List<String> submit = new ArrayList<>(List.of("deploy/standalone/submit"));
        submit.addAll(jobArgs(out));
        return submit;
    }

    private static double undisturbedSeconds;

    /** The undisturbed cluster run both tests compare with, submitted once. */
    private static synchronized Path undisturbedRun() throws Exception {
        Path clusterRun = HOME.resolve("run-cluster");
        if (undisturbedSeconds == 0) {
            long start = System.nanoTime();
            String log = run(300, submitArgs(clusterRun).toArray(new String[0]));
            undisturbedSeconds = (System.nanoTime() - start) / 1e9;
            assertTrue(log.contains("epoch 8/8"), tail(log));
            // deploy/standalone/submit leaves the driver's UI on and prints its address once; the app is named after the job.
            assertEquals(1, log.split("Spark UI: http://", -1).length - 1, tail(log));
            String apps = new String(java.net.URI.create("http://127.0.0.1:" + ENV.get("SPINDLE_MASTER_UI_PORT") + "/json/").toURL()
                    .openStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(apps.contains("\"name\" : \"spindle: fashion-mlp\"") || apps.contains("\"name\":\"spindle: fashion-mlp\""), apps);
        }
        return clusterRun;
    }

    @Test
    void trainsOnTwoExecutorJvmsAndMatchesLocalMode() throws Exception {
        Path clusterRun = undisturbedRun(), localRun = HOME.resolve("run-local");

        List<String> local = jobArgs(localRun);
        local.addAll(List.of("--master", "local[2]"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Cli.run(local.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));

        ObjectMapper json = new ObjectMapper();
        JsonNode cluster = json.readTree(new File(clusterRun.resolve("summary.json").toString()));
        JsonNode localSummary = json.readTree(new File(localRun.resolve("summary.json").toString()));
        assertEquals(2, cluster.get("workers").asInt());
        double a = cluster.get("test_accuracy").asDouble(), b = localSummary.get("test_accuracy").asDouble();
        assertTrue(a > 0.6, "cluster accuracy " + a);
        assertEquals(b, a, 0.01, "cluster vs local mode accuracy");
    }

    /**
     * Live executor JVMs of this test's cluster: each executor's log (work/APP/ID/stderr) starts with Spark's
     * "Started daemon with process name: PID@HOST".
     */
    private static boolean hasCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("ckpt-"));
        }
    }

    private static List<ProcessHandle> executors() throws IOException {
        java.util.regex.Pattern started = java.util.regex.Pattern.compile("Started daemon with process name: (\\d+)@");
        List<ProcessHandle> alive = new ArrayList<>();
        try (var logs = Files.find(HOME.resolve("work"), 3, (p, a) -> p.getFileName().toString().equals("stderr"))) {
            for (Path log : logs.toList()) {
                java.util.regex.Matcher m = started.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                if (m.find()) ProcessHandle.of(Long.parseLong(m.group(1))).filter(ProcessHandle::isAlive).ifPresent(alive::add);
            }
        }
        return alive;
    }

    @Test
    void anExecutorKilledMidTrainingIsResumedFromItsCheckpoint() throws Exception {
        Path undisturbed = undisturbedRun(), killed = HOME.resolve("run-killed");
        if (Files.exists(killed)) {
            try (var old = Files.walk(killed)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // The undisturbed run's executor JVMs take a moment to exit after their application ends; wait for them,
        // so the executors found below are this run's.
        long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!executors().isEmpty() && System.nanoTime() < quiet) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), executors(), "executors of the earlier application still alive");
        ProcessBuilder pb = new ProcessBuilder(submitArgs(killed)).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(ENV);
        Path logFile = Files.createTempFile("spindle-kill-it", ".log");
        pb.redirectOutput(logFile.toFile());
        long start = System.nanoTime();
        Process submit = pb.start();
        try {
            killOneExecutorAndCheckTheResumedRun(submit, start, killed, undisturbed, logFile);
        } finally {
            // A failed assertion must not leave the job waiting for its cluster.
            if (submit.isAlive()) submit.destroyForcibly();
        }
    }

    private static void killOneExecutorAndCheckTheResumedRun(Process submit, long start, Path killed, Path undisturbed,
                                                             Path logFile) throws Exception {
        // Kill one executor JVM (SIGKILL) once the first mid-epoch checkpoint exists: training is under way.
        Path checkpoints = killed.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        // Find the two executors first (reading their logs is slow), then poll only for the checkpoint: the
        // whole run takes a few seconds, and the kill must land while it trains.
        List<ProcessHandle> executors = List.of();
        while (System.nanoTime() < deadline && submit.isAlive() && (executors = executors()).size() < 2) {
            Thread.sleep(50);
        }
        assertEquals(2, executors.size(), "two executor JVMs of this cluster: " + executors);
        while (System.nanoTime() < deadline && submit.isAlive() && !hasCheckpoint(checkpoints)) {
            Thread.sleep(5);
        }
        ProcessHandle victim = executors.get(1);
        assertTrue(victim.destroyForcibly(), "kill -9 " + victim.pid());
        assertTrue(submit.waitFor(300, TimeUnit.SECONDS), "the job ends after the kill");
        double killedSeconds = (System.nanoTime() - start) / 1e9;
        String log = Files.readString(logFile);
        assertEquals(0, submit.exitValue(), tail(log));
        assertTrue(log.contains("attempt 1 of 3 failed"), tail(log));

        ObjectMapper json = new ObjectMapper();
        JsonNode after = json.readTree(killed.resolve("summary.json").toFile());
        JsonNode before = json.readTree(undisturbed.resolve("summary.json").toFile());
        assertEquals(2, after.get("attempts").asInt(), after.toString());
        assertEquals(before.get("test_accuracy").asDouble(), after.get("test_accuracy").asDouble(), 0.01, "killed vs undisturbed accuracy");
        // What is left is whole, readable checkpoints only: no temp file, no damaged one.
        try (var files = Files.list(checkpoints)) {
            for (Path p : files.toList()) {
                assertTrue(p.getFileName().toString().matches("ckpt-\\d{12}\\.spindle"), "leftover " + p);
                try (var in = Files.newInputStream(p)) {
                    io.spindle.core.io.CheckpointFile.read(in, p.toString());
                }
            }
        }
        String figures = String.format(java.util.Locale.ROOT, "kill test: steps redone %d, wall %.1f s vs %.1f s undisturbed (+%.1f s), "
                        + "test accuracy %.4f vs %.4f", after.get("steps_redone").asLong(), killedSeconds, undisturbedSeconds,
                killedSeconds - undisturbedSeconds, after.get("test_accuracy").asDouble(), before.get("test_accuracy").asDouble());
        System.out.println(figures);
        Files.writeString(HOME.resolve("kill-test.txt"), figures + "\n");
    }
}
