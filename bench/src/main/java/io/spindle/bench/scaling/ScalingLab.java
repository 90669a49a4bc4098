package io.spindle.bench.scaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench/run scaling}: N worker JVMs in their own network namespaces, joined through a bridge over links
 * shaped with tc HTB, run the real ring all-reduce under a synthetic backward for each mode; then the α-β-γ cost
 * model is fitted to the measurements, checked against them, and extrapolated to larger clusters.
 */
public final class ScalingLab {
    private static final int KERNEL_REPETITIONS = 15;

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String prefix = take(rest, "--prefix", "spl" + ProcessHandle.current().pid() % 100_000);
        Path out = Path.of(take(rest, "--out", "bench/results"));
        LabConfig config;
        try {
            config = LabConfig.parse(rest);
        } catch (IllegalArgumentException e) {
            System.err.println("scaling: " + e.getMessage());
            System.exit(2);
            return;
        }
        String refusal = refusal();
        if (refusal != null) {
            System.err.println("scaling: refusing to run: " + refusal);
            System.exit(3);
        }
        Files.createDirectories(out);
        Path logs = Files.createTempDirectory("spindle-scaling");
        SyntheticModel model = SyntheticModel.of(config);
        System.out.printf(Locale.ROOT, "scaling lab: %,d parameters (%.1f MB fp32) in %d layers, %d buckets of >= %.1f MiB;"
                        + " %.0f ms compute per step (%.0f forward); links shaped to %.1f Gbit/s with tc HTB (no added latency:"
                        + " netem is absent, so alpha is what the veths and the stack cost); ring pieces of %d KiB; %d warm-up + %d"
                        + " measured steps%n"
                        + "time dilation %s: the lab runs N workers d times slower than the scenario (links / d, compute x d) and"
                        + " divides the step times by d, so that its workers, sharing %d cores, get the CPU per scenario second"
                        + " that nodes with cores of their own have; all times below are scenario times%n"
                        + "%s%n"
                        + "links: MTU %d; each HTB class at %.4f of the rate (a full frame as HTB counts it, %d bytes, in the"
                        + " time a real port sends %d), so TCP's payload gets at most %.4f of the line rate; burst %s%n",
                config.parameters(), config.parameters() * 4e-6, config.layers(), model.buckets().size(), config.bucketMib(),
                config.computeMs(), config.forwardMs(), config.linkGbit(), config.pieceKib(), config.warmupSteps(), config.steps(),
                config.dilation() == LabConfig.AUTO_DILATION ? "auto (d = N / cores, at least 1)" : "d = " + config.dilation(),
                Runtime.getRuntime().availableProcessors(),
                config.slots() == 1 ? "one worker per emulated host: the flat ring"
                        : config.slots() + " workers per emulated host (threads of one JVM): hierarchical, in memory then over the hosts' ring",
                config.mtu(), config.framing().htbGbit(1), config.framing().countedBytes(), config.framing().wireBytes(),
                config.framing().payloadShare(),
                config.burstUs() > 0 ? String.format(Locale.ROOT, "%.0f us at the lab's rate", config.burstUs()) : "tc's default");
        List<Measurement> measured = new ArrayList<>();
        try {
            for (int n : config.nodes()) {
                measured.addAll(measure(prefix, n, config, logs));
            }
        } catch (NetworkLab.Unavailable e) {
            System.err.println("scaling: refusing to run: the emulated network cannot be built here: " + e.getMessage()
                    + ". Pacing in the transport is not built: the lab measures only real shaped links.");
            System.exit(3);
        }
        // The extrapolation's CPU: the kernels on one bucket of the target model, in the chunks its smallest ring cuts.
        int bucket = new SyntheticModel(ScalingReport.TARGET_PARAMETERS, config.layers(), config.forwardMs(), config.backwardMs(),
                config.bucketMib()).buckets().get(0).length();
        int chunk = (bucket + ScalingReport.EXTRAPOLATED_NODES[0] - 1) / ScalingReport.EXTRAPOLATED_NODES[0];
        KernelRates.Timed kernels = KernelRates.measure(bucket, chunk, KERNEL_REPETITIONS);
        ScalingReport report = new ScalingReport(config, model, measured, kernels);
        report.print(System.out);
        report.writeCsv(out.resolve("scaling.csv"));
        ScalingChart.write(report, out.resolve("scaling.png"));
        System.out.println("wrote " + out.resolve("scaling.csv") + " and " + out.resolve("scaling.png"));
        System.out.println(report.lastLine());
    }

    private static List<Measurement> measure(String prefix, int n, LabConfig config, Path logs)
            throws IOException, InterruptedException {
        double dilation = config.dilationFor(n, Runtime.getRuntime().availableProcessors());
        LabConfig run = config.dilatedBy(dilation);
        long perMode = (long) ((run.warmupSteps() + run.steps()) * Math.max(2000, 10 * run.computeMs()) / 1000) + 120;
        List<Measurement> out = new ArrayList<>();
        int hosts = config.hostsFor(n);
        try (NetworkLab net = NetworkLab.create(prefix, hosts, run);
             WorkerGroup workers = WorkerGroup.start(net, hosts, run, logs)) {
            for (LabMode mode : config.modes()) {
                List<String[]> results = workers.runMode(perMode);
                double step = 0, bytes = 0, cpu = 0;
                for (String[] r : results) {   // RESULT mode stepMs cpuSeconds bytes, per worker of the host
                    step = Math.max(step, Double.parseDouble(r[2]));
                    cpu += Double.parseDouble(r[3]) / hosts;
                    bytes += Double.parseDouble(r[4]) / hosts;
                }
                Measurement m = new Measurement(n, mode, step / dilation, bytes, cpu, dilation, config.slots());
                System.out.printf(Locale.ROOT, "  measured N=%d %-13s step %7.1f ms (%.1f ms in the lab at dilation %.2f)%n",
                        n, mode.label, step / dilation, step, dilation);
                out.add(m);
            }
        }
        return out;
    }

    /** Why the lab cannot run here, or null: it needs root, iproute2's ip and tc, and network namespaces. */
    static String refusal() {
        try {
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .findFirst().orElse("Uid: -1").split("\\s+")[1];
            if (!uid.equals("0")) {
                return "it needs root to create network namespaces and tc qdiscs (running as uid " + uid + ")."
                        + " Pacing in the transport is not built: the lab measures only real shaped links.";
            }
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e.getMessage();
        }
        try {
            NetworkLab.exec(List.of("ip", "netns", "list"));
            NetworkLab.exec(List.of("tc", "-V"));
        } catch (NetworkLab.Unavailable e) {
            return e.getMessage() + ". The lab needs iproute2 (ip netns, tc htb); pacing in the transport is not built.";
        }
        return null;
    }

    /** Removes every {@code name value} pair from {@code args}; the last value wins (bench/run sets defaults first). */
    private static String take(List<String> args, String name, String fallback) {
        String value = fallback;
        for (int i; (i = args.indexOf(name)) >= 0; ) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            value = args.remove(i + 1);
            args.remove(i);
        }
        return value;
    }
}
