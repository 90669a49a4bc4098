package io.spindle.driver.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs deploy/standalone's scripts for the cluster tests: each test class its own cluster home and free ports. */
final class ClusterScripts {
    static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

    private ClusterScripts() {
    }

    /**
     * The scripts' environment for a cluster kept under {@code home} with {@code workers} Workers: ports free now, not
     * fixed ones another process on a CI machine may hold (the master's, and a run for the web UIs: the master's, then
     * one per worker, as start-cluster numbers them).
     */
    static Map<String, String> env(Path home, int workers) {
        return Map.of("SPINDLE_CLUSTER_HOME", home.toString(), "SPINDLE_MASTER_PORT", String.valueOf(freePorts(1)),
                "SPINDLE_MASTER_UI_PORT", String.valueOf(freePorts(workers + 1)));
    }

    /** Runs {@code command} in the repository with {@code env}; fails the test unless it exits 0 in time. Returns its output. */
    static String run(Map<String, String> env, long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("spindle-it", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log);
        assertTrue(done && p.exitValue() == 0, String.join(" ", command) + " failed:\n" + tail(out));
        return out;
    }

    static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    /** The first of {@code count} consecutive ports that nothing listens on now. */
    static int freePorts(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            List<ServerSocket> held = new ArrayList<>();
            try {
                held.add(new ServerSocket(0));
                int first = held.get(0).getLocalPort();
                for (int i = 1; i < count; i++) held.add(new ServerSocket(first + i));
                return first;
            } catch (IOException taken) {
                // one of the run is in use (or past 65535): try another
            } finally {
                for (ServerSocket socket : held) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing a probe socket is best effort
                    }
                }
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }
}
