package io.spindle.bench.scaling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lab's N worker JVMs, one per namespace: it starts them, relays ring addresses for each mode, collects
 * their results, and kills them all on any failure or timeout. Every wait is bounded.
 */
final class WorkerGroup implements AutoCloseable {
    private static final String EOF = "\u0000eof";

    private final List<Process> processes = new ArrayList<>();
    private final List<BlockingQueue<String>> lines = new ArrayList<>();
    private final List<PrintStream> stdins = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /** Starts {@code n} workers in the lab's namespaces and hands each the job's secret. */
    static WorkerGroup start(NetworkLab net, int n, LabConfig config, Path logDir) throws IOException {
        WorkerGroup g = new WorkerGroup();
        byte[] secret = io.spindle.worker.collective.CollectiveOptions.newSecret();
        try {
            for (int w = 0; w < n; w++) {
                g.launch(net.workerNamespace(w), w, config, logDir.resolve("n" + n + "-rank" + w + ".log"));
                g.stdins.get(w).println("SECRET " + HexFormat.of().formatHex(secret));
                g.stdins.get(w).flush();
            }
            return g;
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private void launch(String namespace, int rank, LabConfig config, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx512m", "-XX:+UseSerialGC"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("org.bytedeco"))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScalingWorker.class.getName(),
                String.valueOf(rank), NetworkLab.address(rank)));
        cmd.addAll(config.toArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        processes.add(p);
        logs.add(log);
        stdins.add(new PrintStream(p.getOutputStream(), true, StandardCharsets.US_ASCII));
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        lines.add(queue);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    queue.add(line);
                }
            } catch (IOException ignored) {
                // the worker died: EOF below
            }
            queue.add(EOF);
        }, "lab-worker-" + rank);
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs one mode on every worker: relays their new addresses, then waits up to {@code seconds} for results. */
    List<String[]> runMode(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> addresses = new ArrayList<>();
        for (int w = 0; w < processes.size(); w++) {
            addresses.add(expect(w, "ADDR", deadline)[1]);
        }
        for (PrintStream in : stdins) {
            in.println("PEERS " + String.join(",", addresses));
            in.flush();
        }
        List<String[]> results = new ArrayList<>();
        for (int w = 0; w < processes.size(); w++) {
            results.add(expect(w, "RESULT", deadline));
        }
        return results;
    }

    private String[] expect(int w, String tag, long deadlineNanos) throws InterruptedException {
        String line = lines.get(w).poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null || line.equals(EOF) || !line.startsWith(tag + " ")) {
            throw new IllegalStateException("worker " + w + " (of " + processes.size() + ") "
                    + (line == null ? "timed out waiting for " + tag : line.equals(EOF) ? "exited" : "said '" + line + "'")
                    + "; its log:\n" + tail(logs.get(w)));
        }
        return line.split(" ");
    }

    private static String tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 25), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Closes every worker's stdin (they exit on it), then kills whatever has not exited within 10 s. */
    @Override
    public void close() {
        stdins.forEach(PrintStream::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
