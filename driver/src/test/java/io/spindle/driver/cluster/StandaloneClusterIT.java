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
 * SparkSubmit with two workers, and must reach the accuracy local mode reaches with the same job.
 * Runs after {@code package} (failsafe), because the scripts submit the built fat jar.
 */
@Tag("cluster")
class StandaloneClusterIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path HOME = Path.of(System.getProperty("user.dir"), "target", "standalone-it");
    private static final Map<String, String> ENV = Map.of("SPINDLE_CLUSTER_HOME", HOME.toString(),
            "SPINDLE_MASTER_PORT", "17177", "SPINDLE_MASTER_UI_PORT", "18180");
    private static final String MINI = REPO + "/core/src/test/resources/fashion-mini";

    private static String run(long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(ENV);
        Path log = Files.createTempFile("spindle-it", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log);
        assertTrue(done && p.exitValue() == 0, String.join(" ", command) + " failed:\n" + tail(out));
        return out;
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    @BeforeAll
    static void startCluster() throws Exception {
        run(120, "deploy/standalone/start-cluster", "2", "1", "2g");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        run(60, "deploy/standalone/stop-cluster");
    }

    private static List<String> jobArgs(Path out) {
        return new ArrayList<>(List.of("train", REPO + "/deploy/configs/fashion-mlp.json", "--out", out.toString(),
                "--set", "data.train=" + MINI + "/train-images-idx3-ubyte.gz", "--set", "data.test=" + MINI + "/t10k-images-idx3-ubyte.gz",
                "--set", "training.workers=2", "--set", "training.epochs=2", "--set", "optimizer.schedule.total_steps=30"));
    }

    @Test
    void trainsOnTwoExecutorJvmsAndMatchesLocalMode() throws Exception {
        Path clusterRun = HOME.resolve("run-cluster"), localRun = HOME.resolve("run-local");
        List<String> submit = new ArrayList<>(List.of("deploy/standalone/submit"));
        submit.addAll(jobArgs(clusterRun));
        String log = run(300, submit.toArray(new String[0]));
        assertTrue(log.contains("epoch 2/2"), tail(log));

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
}
