package io.spindle.bench.scaling;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lab's measurements next to the fitted cost model's predictions and each mode's ideal bound, and the
 * model's extrapolation to larger clusters, models and links: printed, and written as one CSV.
 */
public final class ScalingReport {
    static final int[] EXTRAPOLATED_NODES = {16, 64, 256};
    static final long[] EXTRAPOLATED_PARAMETERS = {25_000_000, 100_000_000};
    static final double[] EXTRAPOLATED_GBIT = {10, 25};

    /**
     * One row of the report: measured (with its prediction) or extrapolated (measured fields NaN); {@code cpuBound}
     * when the lab's shared cores, not the network, set the predicted step.
     */
    public record Row(String kind, int nodes, long parameters, double linkGbit, LabMode mode, double computeMs,
                      double measuredMs, double predictedMs, double idealMs, double wireBytes, double cpuSeconds,
                      boolean cpuBound, double dilation, int slots) {
        public double efficiency() {
            return computeMs / measuredMs;
        }

        public double predictedEfficiency() {
            return computeMs / predictedMs;
        }

        public double idealEfficiency() {
            return computeMs / idealMs;
        }

        public double error() {
            return (predictedMs - measuredMs) / measuredMs;
        }
    }

    private final LabConfig config;
    private final LabFit lab;
    private final CostModel fitted;
    private final CostModel cluster;   // fitted, with γ as CPU time: what a node with its own cores pays
    private final List<Row> measured = new ArrayList<>();
    private final List<Row> extrapolated = new ArrayList<>();

    public ScalingReport(LabConfig config, SyntheticModel model, List<Measurement> measurements) {
        this.config = config;
        this.lab = LabFit.fit(model, measurements.stream().map(Measurement::inScenarioTime).toList(), config.linkGbit());
        this.fitted = lab.network();
        this.cluster = lab.onOwnCores(measurements.stream().map(Measurement::withCpuAsMeasured).toList(), model);
        CostModel ideal = CostModel.ideal(config.linkGbit());
        for (Measurement m : measurements) {
            CostModel.Observation seen = m.inScenarioTime();   // the model sees the ring of hosts
            measured.add(new Row("measured", m.nodes(), config.parameters(), config.linkGbit(), m.mode(), config.computeMs(),
                    m.stepMs(), lab.stepMs(seen.nodes(), model, m.mode(), seen.cpuSecondsPerStep()),
                    ideal.stepMs(seen.nodes(), model, m.mode()), m.wireBytesPerStep(), m.cpuSecondsPerStep(),
                    lab.cpuBound(seen.nodes(), model, m.mode(), seen.cpuSecondsPerStep()), m.dilation(), m.slots()));
        }
        for (long p : EXTRAPOLATED_PARAMETERS) {
            SyntheticModel big = new SyntheticModel(p, config.layers(), config.forwardMs(), config.backwardMs(), config.bucketMib());
            for (double gbit : EXTRAPOLATED_GBIT) {
                CostModel there = cluster.onLink(config.linkGbit(), gbit);
                CostModel bound = CostModel.ideal(gbit);
                for (int n : EXTRAPOLATED_NODES) {
                    for (LabMode mode : LabMode.values()) {
                        extrapolated.add(new Row("extrapolated", n, p, gbit, mode, config.computeMs(), Double.NaN,
                                there.stepMs(n, big, mode), bound.stepMs(n, big, mode),
                                RingBytes.perWorker(n, p, mode.bytesPerValue()), Double.NaN, false, Double.NaN, 1));
                    }
                }
            }
        }
    }

    public CostModel fitted() {
        return fitted;
    }

    /** The model extrapolation uses: the fitted α and β, and γ as the casts' CPU time. */
    public CostModel cluster() {
        return cluster;
    }

    public LabConfig config() {
        return config;
    }

    public List<Row> measured() {
        return measured;
    }

    public List<Row> extrapolated() {
        return extrapolated;
    }

    /** The largest |prediction − measurement| / measurement over every measured row (overlapped ones included). */
    public double modelError() {
        return measured.stream().mapToDouble(r -> Math.abs(r.error())).max().orElse(Double.NaN);
    }

    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "lab host: the %s workers got %.2f cores between them (fitted); a step is at least their"
                + " CPU work over those cores, in the host's time (so over dilation x those cores in scenario time)%n", "N", lab.hostCores());
        out.printf(Locale.ROOT, "network model fitted with it to every measurement: alpha %.1f us per hop, beta %.3f ns per byte"
                        + " (%.0f MB/s effective, fp32 reduction included; held >= the line rate), gamma %.2f ns per value for bf16's casts%n",
                fitted.alphaMs() * 1e3, fitted.betaMsPerByte() * 1e6,
                fitted.betaMsPerByte() > 0 ? 1e-3 / fitted.betaMsPerByte() : Double.POSITIVE_INFINITY, fitted.gammaMsPerValue() * 1e6);
        out.printf(Locale.ROOT, "on a node with cores of its own (the extrapolation), gamma is the casts' CPU time:"
                + " %.2f ns per value (fitted to the workers' CPU seconds)%n", cluster.gammaMsPerValue() * 1e6);
        out.println("   N slots dilation mode          step ms  model ms  error  efficiency  model eff  ideal eff  wire MB/worker/step"
                + " (ring 2(N-1)/N)  CPU s/step  model bound");
        for (Row r : measured) {
            out.printf(Locale.ROOT, "%4d %5d %8.2f %-13s %8.1f %9.1f %+5.1f%% %10.2f %10.2f %10.2f %12.2f (%6.2f) %12.3f  %s%n",
                    r.nodes(), r.slots(), r.dilation(), r.mode().label, r.measuredMs(), r.predictedMs(), 100 * r.error(), r.efficiency(),
                    r.predictedEfficiency(), r.idealEfficiency(), r.wireBytes() / 1e6,
                    RingBytes.perWorker(r.nodes() / r.slots(), r.parameters(), r.mode().bytesPerValue()) / r.slots() / 1e6, r.cpuSeconds(),
                    r.cpuBound() ? "host CPU" : "network");
        }
        out.printf(Locale.ROOT, "extrapolated (fitted alpha; beta scaled to the link; gamma as CPU time; no host-CPU floor; %.0f ms compute):%n",
                config.computeMs());
        out.println("     params   link     N  " + String.join("  ", java.util.Arrays.stream(LabMode.values())
                .map(m -> String.format(Locale.ROOT, "%-13s", m.label)).toList()) + "  (efficiency, ideal)");
        for (int i = 0; i < extrapolated.size(); i += LabMode.values().length) {
            Row first = extrapolated.get(i);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%9.0fM %4.0fGbE %5d ",
                    first.parameters() / 1e6, first.linkGbit(), first.nodes()));
            for (int j = 0; j < LabMode.values().length; j++) {
                Row r = extrapolated.get(i + j);
                line.append(String.format(Locale.ROOT, " %.2f (%.2f)  ", r.predictedEfficiency(), r.idealEfficiency()));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println(latencyNote());
    }

    /** Where the ring's latency term overtakes its bandwidth term for 25 M parameters in bf16 on 10 GbE, bucketed. */
    String latencyNote() {
        int buckets = new SyntheticModel(25_000_000, config.layers(), 1, 1, config.bucketMib()).buckets().size();
        CostModel tenGig = cluster.onLink(config.linkGbit(), 10);
        if (tenGig.alphaMs() == 0) {
            return "latency: the fit found no per-hop cost above the noise, so the model has no latency-bound regime";
        }
        for (int n = 2; n <= 1 << 20; n *= 2) {
            double[] f = CostModel.features(n, 25_000_000, 2);
            double latency = buckets * f[0] * tenGig.alphaMs();
            if (latency >= f[1] * tenGig.betaMsPerByte()) {
                return String.format(Locale.ROOT, "latency: for 25 M parameters in bf16 on 10 GbE, the ring's latency term"
                        + " (%d buckets x 2(N-1) hops x %.1f us) passes its bandwidth term at N = %d", buckets,
                        tenGig.alphaMs() * 1e3, n);
            }
        }
        return "latency: the ring's latency term stays below its bandwidth term up to N = 2^20";
    }

    /** The line {@code bench/run scaling} ends with. */
    public String lastLine() {
        return "scaling: N=8 efficiency fp32-serial=" + efficiencyAt8(LabMode.FP32_SERIAL)
                + " bf16-overlap=" + efficiencyAt8(LabMode.BF16_OVERLAP)
                + " model-error=" + String.format(Locale.ROOT, "%.2f", modelError());
    }

    private String efficiencyAt8(LabMode mode) {
        return measured.stream().filter(r -> r.nodes() == 8 && r.mode() == mode).findFirst()
                .map(r -> String.format(Locale.ROOT, "%.2f", r.efficiency())).orElse("n/a");
    }

    public void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("kind,nodes,parameters,link_gbit,mode,compute_ms,step_ms,model_step_ms,model_error,efficiency,"
                + "model_efficiency,ideal_efficiency,wire_bytes_per_worker_step,cpu_seconds_per_step,model_bound,dilation,slots");
        for (List<Row> rows : List.of(measured, extrapolated)) {
            for (Row r : rows) {
                lines.add(String.format(Locale.ROOT, "%s,%d,%d,%.1f,%s,%.1f,%s,%.2f,%s,%s,%.4f,%.4f,%.0f,%s,%s,%s,%d",
                        r.kind(), r.nodes(), r.parameters(), r.linkGbit(), r.mode().label, r.computeMs(),
                        orEmpty(r.measuredMs(), "%.2f"), r.predictedMs(), orEmpty(r.error(), "%.4f"),
                        orEmpty(r.efficiency(), "%.4f"), r.predictedEfficiency(), r.idealEfficiency(), r.wireBytes(),
                        orEmpty(r.cpuSeconds(), "%.4f"), r.kind().equals("measured") ? (r.cpuBound() ? "host-cpu" : "network") : "network",
                        orEmpty(r.dilation(), "%.2f"), r.slots()));
            }
        }
        Files.write(file, lines);
    }

    private static String orEmpty(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }
}
