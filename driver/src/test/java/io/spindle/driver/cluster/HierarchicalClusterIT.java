package io.spindle.driver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two standalone Workers of two cores each, one two-slot executor on each: four workers, two per executor JVM, which
 * the default transport joins hierarchically (in memory inside each executor, a ring between the two). The job must
 * say so in its summary and reach the accuracy of the same four workers in local mode.
 */
@Tag("cluster")
class HierarchicalClusterIT {
    private static final Path HOME = Path.of(System.getProperty("user.dir"), "target", "hierarchical-it");
    private static final Map<String, String> ENV = ClusterScripts.env(HOME, 2);
    private static final String MINI = ClusterScripts.REPO + "/core/src/test/resources/fashion-mini";

    @BeforeAll
    static void startCluster() throws Exception {
        ClusterScripts.run(ENV, 120, "deploy/standalone/start-cluster", "2", "2", "2g");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        ClusterScripts.run(ENV, 60, "deploy/standalone/stop-cluster");
    }

    /** 4 workers × 500 rows at local batch 32: 15 steps per epoch, 8 epochs. */
    private static List<String> job(Path out) {
        return List.of("train", ClusterScripts.REPO + "/deploy/configs/fashion-mlp.json", "--out", out.toString(),
                "--set", "data.train=" + MINI + "/train-images-idx3-ubyte.gz", "--set", "data.test=" + MINI + "/t10k-images-idx3-ubyte.gz",
                "--set", "training.workers=4", "--set", "training.epochs=8", "--set", "optimizer.schedule.total_steps=120");
    }

    @Test
    void fourWorkersOnTwoExecutorsReduceHierarchicallyAndMatchLocalMode() throws Exception {
        Path clusterRun = HOME.resolve("run-cluster"), localRun = HOME.resolve("run-local");
        Map<String, String> twoSlots = new HashMap<>(ENV);
        twoSlots.put("SPINDLE_EXECUTOR_CORES", "2");
        List<String> submit = new java.util.ArrayList<>(List.of("deploy/standalone/submit"));
        submit.addAll(job(clusterRun));
        String log = ClusterScripts.run(twoSlots, 300, submit.toArray(new String[0]));
        assertTrue(log.contains("epoch 8/8"), ClusterScripts.tail(log));

        List<String> local = new java.util.ArrayList<>(job(localRun));
        local.addAll(List.of("--master", "local[4]"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = io.spindle.driver.cli.Cli.run(local.toArray(new String[0]), new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(java.nio.charset.StandardCharsets.UTF_8));

        ObjectMapper json = new ObjectMapper();
        JsonNode cluster = json.readTree(clusterRun.resolve("summary.json").toFile());
        JsonNode localSummary = json.readTree(localRun.resolve("summary.json").toFile());
        assertEquals("hierarchical (2 executors: 2+2 workers)", cluster.get("collective").asText(), cluster.toString());
        assertEquals("in_jvm (4 threads of one JVM)", localSummary.get("collective").asText());
        double a = cluster.get("test_accuracy").asDouble(), b = localSummary.get("test_accuracy").asDouble();
        assertTrue(a > 0.6, "cluster accuracy " + a);
        assertEquals(b, a, 0.01, "hierarchical cluster vs local mode accuracy");
    }
}
