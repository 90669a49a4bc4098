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
 * ends within a point of the undisturbed run's accuracy, leaving only intact checkpoints; with rows spooled to local
 * disk and a host lost (executor and Worker) and replaced by a new Worker, whose executor has no spool and reads its
 * part again, the job resumes on two workers and ends as the undisturbed run; and with an executor lost together
 * with its Worker (no replacement), the job shrinks onto the slot left and ends as the undisturbed run.
 * Runs after {@code package} (failsafe), because the scripts submit the built fat jar.
 */
@Tag("cluster")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path HOME = Path.of(System.getProperty("user.dir"), "target", "standalone-it");
    // Ports free now, not fixed ones another process on a CI machine may hold: the master's, and a run of three for
    // the web UIs (the master's, then one per worker, as start-cluster numbers them).
    // Three Workers' worth of UI ports: start-cluster's two and the replacement host one test adds.
    private static final Map<String, String> ENV = ClusterScripts.env(HOME, 3);
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
                // The log's pid may have been reused by now (pids wrap at 32,768 here): it counts only while it is
                // still the executor of that log's application (work/APP-ID/EXEC-ID/stderr).
                String app = log.getParent().getParent().getFileName().toString();
                if (m.find()) ProcessHandle.of(Long.parseLong(m.group(1))).filter(ProcessHandle::isAlive)
                        .filter(h -> isExecutorOf(h.pid(), app)).ifPresent(alive::add);
            }
        }
        return alive;
    }

    /** Reads /proc directly: ProcessHandle.Info gives no command line for a java process on this JDK. */
    private static boolean isExecutorOf(long pid, String app) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.ISO_8859_1);
            return cmd.contains("CoarseGrainedExecutorBackend") && cmd.contains(app);
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void anExecutorKilledMidTrainingIsResumedFromItsCheckpoint() throws Exception {
        Path undisturbed = undisturbedRun(), killed = HOME.resolve("run-killed");
        Path logFile = Files.createTempFile("spindle-kill-it", ".log");
        long start = System.nanoTime();
        Process submit = submitQuietly(killed, logFile);
        try {
            killOneExecutorAndCheckTheResumedRun(submit, start, killed, undisturbed, logFile);
        } finally {
            // A failed assertion must not leave the job waiting for its cluster.
            if (submit.isAlive()) submit.destroyForcibly();
        }
    }

    /**
     * Rows spooled to each executor's local disk ({@code data.cache: disk}); a host is lost, executor and Worker, and a
     * new Worker joins within {@code checkpoint.replace_seconds}. Its executor starts with an empty local dir, so
     * whichever part it is given it reads again from the source and spools anew; the run resumes on two workers and
     * ends with the undisturbed run's accuracy. Leaves two Workers (the survivor and the new one) for the last test.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1)
    void aLostHostsReplacementReadsItsPartAgainFromTheSource() throws Exception {
        Path undisturbed = undisturbedRun(), replaced = HOME.resolve("run-replaced");
        Path logFile = Files.createTempFile("spindle-replace-it", ".log");
        Process submit = submitQuietly(replaced, logFile, "--set", "data.cache=disk", "--set", "checkpoint.replace_seconds=120");
        try {
            ProcessHandle victim = executorOnceTraining(submit, replaced.resolve("checkpoints"));
            ProcessHandle worker = victim.parent().orElseThrow();
            assertTrue(worker.destroyForcibly() && victim.destroyForcibly(), "kill -9 the Worker " + worker.pid() + " and its executor " + victim.pid());
            run(120, "deploy/standalone/start-worker", "3", "1", "2g");
            assertTrue(submit.waitFor(300, TimeUnit.SECONDS), "the job ends after the kill");
            String log = Files.readString(logFile);
            assertEquals(0, submit.exitValue(), tail(log));
            assertTrue(log.contains("executors lost") && !log.contains("resuming on 1 workers"), tail(log));
            String newWorker = Files.readString(HOME.resolve("logs/worker-3.log"));
            assertTrue(newWorker.contains("Asked to launch executor"), "the new Worker ran an executor of the run:\n" + tail(newWorker));
            ObjectMapper json = new ObjectMapper();
            JsonNode after = json.readTree(replaced.resolve("summary.json").toFile());
            JsonNode before = json.readTree(undisturbed.resolve("summary.json").toFile());
            assertEquals("[2,2]", after.get("workers_by_attempt").toString(), after.toString());
            assertEquals(before.get("test_accuracy").asDouble(), after.get("test_accuracy").asDouble(), 0.01, "replaced vs undisturbed accuracy");
            Files.writeString(HOME.resolve("replace-test.txt"), String.format(java.util.Locale.ROOT, "replace test: test accuracy %.4f vs %.4f"
                    + " undisturbed, steps redone %d%n", after.get("test_accuracy").asDouble(), before.get("test_accuracy").asDouble(),
                    after.get("steps_redone").asLong()));
        } finally {
            if (submit.isAlive()) submit.destroyForcibly();
        }
    }

    /**
     * An executor lost with its Worker, so nothing replaces it: after checkpoint.replace_seconds the job resumes on
     * the one slot left, keeping the global batch, and ends as the undisturbed run does. Last: it leaves one Worker.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void anExecutorLostWithoutReplacementShrinksTheRunOntoTheSlotsLeft() throws Exception {
        Path undisturbed = undisturbedRun(), shrunk = HOME.resolve("run-shrunk");
        Path logFile = Files.createTempFile("spindle-shrink-it", ".log");
        Process submit = submitQuietly(shrunk, logFile, "--set", "checkpoint.replace_seconds=3");
        try {
            ProcessHandle victim = executorOnceTraining(submit, shrunk.resolve("checkpoints"));
            ProcessHandle worker = victim.parent().orElseThrow();
            assertTrue(worker.destroyForcibly() && victim.destroyForcibly(), "kill -9 the Worker " + worker.pid() + " and its executor " + victim.pid());
            assertTrue(submit.waitFor(300, TimeUnit.SECONDS), "the job ends after the kill");
            String log = Files.readString(logFile);
            assertEquals(0, submit.exitValue(), tail(log));
            assertTrue(log.contains("resuming on 1 workers instead of 2"), tail(log));
            ObjectMapper json = new ObjectMapper();
            JsonNode after = json.readTree(shrunk.resolve("summary.json").toFile());
            JsonNode before = json.readTree(undisturbed.resolve("summary.json").toFile());
            assertEquals("[2,1]", after.get("workers_by_attempt").toString(), after.toString());
            assertEquals(1, after.get("workers").asInt());
            assertEquals(before.get("test_accuracy").asDouble(), after.get("test_accuracy").asDouble(), 0.005, "shrunk vs undisturbed accuracy");
            Files.writeString(HOME.resolve("shrink-test.txt"), String.format(java.util.Locale.ROOT, "shrink test: test accuracy %.4f vs %.4f"
                    + " undisturbed, steps redone %d%n", after.get("test_accuracy").asDouble(), before.get("test_accuracy").asDouble(),
                    after.get("steps_redone").asLong()));
        } finally {
            if (submit.isAlive()) submit.destroyForcibly();
        }
    }

    /** Submits the job into a fresh {@code run} once the executors of earlier applications are gone; output to {@code logFile}. */
    private static Process submitQuietly(Path run, Path logFile, String... extra) throws Exception {
        if (Files.exists(run)) {
            try (var old = Files.walk(run)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // The undisturbed run's executor JVMs take a moment to exit after their application ends; wait for them,
        // so the executors found later are this run's.
        long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!executors().isEmpty() && System.nanoTime() < quiet) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), executors(), "executors of the earlier application still alive");
        List<String> args = submitArgs(run);
        args.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(args).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(ENV);
        pb.redirectOutput(logFile.toFile());
        return pb.start();
    }

    /** One of the run's two executor JVMs, once the first mid-epoch checkpoint exists: training is under way. */
    private static ProcessHandle executorOnceTraining(Process submit, Path checkpoints) throws Exception {
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
        return executors.get(1);
    }

    private static void killOneExecutorAndCheckTheResumedRun(Process submit, long start, Path killed, Path undisturbed,
                                                             Path logFile) throws Exception {
        Path checkpoints = killed.resolve("checkpoints");
        ProcessHandle victim = executorOnceTraining(submit, checkpoints);
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
