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
    /** The target case: 25 M parameters on 10 GbE, overlapped bf16, at 16 nodes. */
    static final long TARGET_PARAMETERS = 25_000_000;
    static final double TARGET_GBIT = 10;
    /**
     * A per-hop latency for a real 10 or 25 GbE network (a switch and two TCP stacks per message), stated, not measured:
     * the lab's veths have next to none, so its fit finds α near 0.
     */
    static final double STATED_ALPHA_MS = 0.030;
    /** Ring pieces small enough that a chunk travels as several and its CPU hides behind its wire: a what-if, not a setting. */
    static final int SMALL_PIECE_BYTES = 64 << 10;

    /**
     * One row of the report: measured (with its prediction) or extrapolated (measured fields NaN); {@code cpuBound}
     * when the lab's shared cores, not the network, set the predicted step; {@code alphaUs} the model's per-hop latency.
     */
    public record Row(String kind, int nodes, long parameters, double linkGbit, LabMode mode, double computeMs,
                      double measuredMs, double predictedMs, double idealMs, double wireBytes, double cpuSeconds,
                      boolean cpuBound, double dilation, int slots, double alphaUs) {
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
    private final CpuTerms labCpu;       // fitted to the workers' CPU seconds
    private final KernelRates.Timed kernels;
    private final CostModel cluster;     // fitted α and β, the kernels' CPU: what a node with cores of its own pays
    private final List<Row> measured = new ArrayList<>();
    private final List<Row> extrapolated = new ArrayList<>();

    /** The lab's measurements, and the kernel rates measured on this host: the best give the extrapolation its CPU. */
    public ScalingReport(LabConfig config, SyntheticModel model, List<Measurement> measurements, KernelRates.Timed kernels) {
        this.config = config;
        this.kernels = kernels;
        this.lab = LabFit.fit(model, measurements.stream().map(Measurement::inScenarioTime).toList(),
                CostModel.ideal(config.linkGbit(), config.framing()), config.pieceBytes());
        this.fitted = lab.network();
        this.labCpu = LabFit.cpuTerms(measurements.stream().map(Measurement::withCpuAsMeasured).toList(), model);
        this.cluster = fitted.withCpu(kernels.best().cpuTerms()).withPieceBytes(CostModel.RING_PIECE_BYTES);   // what jobs run
        CostModel ideal = CostModel.ideal(config.linkGbit(), config.framing());
        for (Measurement m : measurements) {
            CostModel.Observation seen = m.inScenarioTime();   // the model sees the ring of hosts
            measured.add(new Row("measured", m.nodes(), config.parameters(), config.linkGbit(), m.mode(), config.computeMs(),
                    m.stepMs(), lab.stepMs(seen.nodes(), model, m.mode(), seen.cpuSecondsPerStep()),
                    ideal.stepMs(seen.nodes(), model, m.mode()), m.wireBytesPerStep(), m.cpuSecondsPerStep(),
                    lab.cpuBound(seen.nodes(), model, m.mode(), seen.cpuSecondsPerStep()), m.dilation(), m.slots(),
                    fitted.alphaMs() * 1e3));
        }
        for (long p : EXTRAPOLATED_PARAMETERS) {
            SyntheticModel big = scenario(p);
            for (double gbit : EXTRAPOLATED_GBIT) {
                CostModel bound = CostModel.ideal(gbit, config.framing());
                for (CostModel there : List.of(on(gbit), on(gbit).withAlphaMs(STATED_ALPHA_MS))) {
                    for (int n : EXTRAPOLATED_NODES) {
                        for (LabMode mode : LabMode.values()) {
                            extrapolated.add(new Row("extrapolated", n, p, gbit, mode, config.computeMs(), Double.NaN,
                                    there.stepMs(n, big, mode), bound.stepMs(n, big, mode),
                                    RingBytes.perWorker(n, p, mode.bytesPerValue()), Double.NaN, false, Double.NaN, 1,
                                    there.alphaMs() * 1e3));
                        }
                    }
                }
            }
        }
    }

    /** The lab's scenario (layers, compute, buckets) with {@code parameters} parameters. */
    SyntheticModel scenario(long parameters) {
        return new SyntheticModel(parameters, config.layers(), config.forwardMs(), config.backwardMs(), config.bucketMib());
    }

    /** The extrapolation's model on links of {@code gbit}: the fitted α, β scaled to the link, the kernels' CPU. */
    CostModel on(double gbit) {
        return cluster.onLink(config.linkGbit(), gbit);
    }

    public CostModel fitted() {
        return fitted;
    }

    /** The model extrapolation uses: the fitted α and β, and the CPU of the kernels measured on one core. */
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
                        + " (%.0f MB/s effective, fp32 reduction included; held >= the ideal bound's), gamma %.2f ns per value for bf16's casts%n",
                fitted.alphaMs() * 1e3, fitted.betaMsPerByte() * 1e6,
                fitted.betaMsPerByte() > 0 ? 1e-3 / fitted.betaMsPerByte() : Double.POSITIVE_INFINITY, fitted.gammaMsPerValue() * 1e6);
        out.printf(Locale.ROOT, "ideal bound (ideal eff): TCP's payload at the line rate less the frames' overhead at MTU %d, beta %.3f ns"
                        + " per byte (%.4f of the line rate; with every bit on the wire payload it would be %.3f)%n", config.mtu(),
                CostModel.ideal(config.linkGbit(), config.framing()).betaMsPerByte() * 1e6, config.framing().payloadShare(),
                CostModel.ideal(config.linkGbit()).betaMsPerByte() * 1e6);
        out.printf(Locale.ROOT, "lab CPU (fitted to the workers' CPU seconds): %.2f ns per wire byte, %.2f ns per value bf16 reduces"
                + " beyond its bytes, %.2f ms fixed per step%n", labCpu.nsPerByte(), labCpu.bfloat16NsPerValue(), labCpu.fixedMsPerStep());
        out.printf(Locale.ROOT, "kernels on one thread here, ns per value (SIMD %s; best and median of the repetitions' CPU time;"
                + " the best stands for a core of a node's own):%n", io.spindle.core.kernel.Simd.available() ? "on" : "off");
        for (KernelRates r : List.of(kernels.best(), kernels.median())) {
            CpuTerms cpu = r.cpuTerms();
            out.printf(Locale.ROOT, "  %-6s fp32 add %.3f, bf16 add+encode %.3f, encode %.3f, decode %.3f; copy %.3f ns per byte (in cache:"
                            + " a socket's costs more, and streams with the wire); per value reduced fp32 %.2f, bf16 %.2f%n",
                    r == kernels.best() ? "best" : "median", r.float32AddNs(), r.bfloat16AddEncodeNs(), r.bfloat16EncodeNs(),
                    r.bfloat16DecodeNs(), r.copyNsPerByte(), cpu.float32NsPerValue(), cpu.bfloat16NsPerValue());
        }
        out.println("   N slots dilation mode          step ms  model ms  error  efficiency  model eff  ideal eff  wire MB/worker/step"
                + " (ring 2(N-1)/N)  CPU s/step  model bound");
        for (Row r : measured) {
            out.printf(Locale.ROOT, "%4d %5d %8.2f %-13s %8.1f %9.1f %+5.1f%% %10.2f %10.2f %10.2f %12.2f (%6.2f) %12.3f  %s%n",
                    r.nodes(), r.slots(), r.dilation(), r.mode().label, r.measuredMs(), r.predictedMs(), 100 * r.error(), r.efficiency(),
                    r.predictedEfficiency(), r.idealEfficiency(), r.wireBytes() / 1e6,
                    RingBytes.perWorker(r.nodes() / r.slots(), r.parameters(), r.mode().bytesPerValue()) / r.slots() / 1e6, r.cpuSeconds(),
                    r.cpuBound() ? "host CPU" : "network");
        }
        out.printf(Locale.ROOT, "extrapolated (beta scaled to the link; CPU: the best kernel rates, on a core of each node's own, no host-CPU"
                + " floor; ring pieces of %d KiB; %.0f ms compute); alpha as fitted (%.1f us) and as stated (%.0f us per hop, not"
                + " measured):%n", CostModel.RING_PIECE_BYTES >> 10, config.computeMs(), fitted.alphaMs() * 1e3, STATED_ALPHA_MS * 1e3);
        out.println("     params   link alpha us      N  " + String.join("  ", java.util.Arrays.stream(LabMode.values())
                .map(m -> String.format(Locale.ROOT, "%-13s", m.label)).toList()) + "  (efficiency, ideal)");
        for (int i = 0; i < extrapolated.size(); i += LabMode.values().length) {
            Row first = extrapolated.get(i);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%9.0fM %4.0fGbE %8.1f %6d ",
                    first.parameters() / 1e6, first.linkGbit(), first.alphaUs(), first.nodes()));
            for (int j = 0; j < LabMode.values().length; j++) {
                Row r = extrapolated.get(i + j);
                line.append(String.format(Locale.ROOT, " %.2f (%.2f)  ", r.predictedEfficiency(), r.idealEfficiency()));
            }
            out.println(line.toString().stripTrailing());
        }
        target(out);
        SyntheticModel big = scenario(TARGET_PARAMETERS);
        out.println(latencyNote(on(TARGET_GBIT), big, "fitted"));
        out.println(latencyNote(on(TARGET_GBIT).withAlphaMs(STATED_ALPHA_MS), big, "stated"));
    }

    /** The target case, at every extrapolated N, and how it moves with the model's assumptions. */
    private void target(PrintStream out) {
        SyntheticModel big = scenario(TARGET_PARAMETERS);
        CostModel model = on(TARGET_GBIT);
        out.printf(Locale.ROOT, "target: %.0f M parameters, %.0f ms compute, %.0f GbE, %s (>= 0.90 at 16 nodes asked):%n",
                TARGET_PARAMETERS / 1e6, config.computeMs(), TARGET_GBIT, LabMode.BF16_OVERLAP.label);
        out.println("  alpha fitted:            " + efficiencies(model, big, LabMode.BF16_OVERLAP));
        out.println("  alpha " + String.format(Locale.ROOT, "%.0f us", STATED_ALPHA_MS * 1e3) + " (stated):   "
                + efficiencies(model.withAlphaMs(STATED_ALPHA_MS), big, LabMode.BF16_OVERLAP));
        out.println("  ideal bound:             " + efficiencies(CostModel.ideal(TARGET_GBIT, config.framing()), big, LabMode.BF16_OVERLAP));
        out.println("  fp32-serial, as fitted:  " + efficiencies(model, big, LabMode.FP32_SERIAL));
        out.println("  what moves it (alpha fitted):");
        out.println("    the median kernel rates instead of the best:  " + efficiencies(model.withCpu(kernels.median().cpuTerms()), big,
                LabMode.BF16_OVERLAP));
        out.println("    the lab-fitted CPU instead of the kernels': " + efficiencies(model.withCpu(labCpu), big, LabMode.BF16_OVERLAP));
        out.println("    " + String.format(Locale.ROOT, "the lab's fixed CPU (%.2f ms a step) charged too: ", labCpu.fixedMsPerStep())
                + efficiencies(model.withCpu(model.cpu().withFixedMsPerStep(labCpu.fixedMsPerStep())), big, LabMode.BF16_OVERLAP));
        out.println("    " + String.format(Locale.ROOT, "ring pieces of %d KiB instead of %d (the lab has not shown this gain): ",
                SMALL_PIECE_BYTES >> 10, CostModel.RING_PIECE_BYTES >> 10)
                + efficiencies(model.withPieceBytes(SMALL_PIECE_BYTES), big, LabMode.BF16_OVERLAP));
        out.println("    no CPU at all (the link's measured rate only): "
                + efficiencies(model.withCpu(CpuTerms.NONE), big, LabMode.BF16_OVERLAP));
    }

    private String efficiencies(CostModel model, SyntheticModel big, LabMode mode) {
        StringBuilder line = new StringBuilder();
        for (int n : EXTRAPOLATED_NODES) {
            line.append(String.format(Locale.ROOT, "N=%d %.3f  ", n, config.computeMs() / model.stepMs(n, big, mode)));
        }
        return line.toString().stripTrailing();
    }

    /**
     * Where the ring's latency term overtakes its bandwidth term for bf16 on {@code model}'s link: each bucket pays
     * α·2(N-1) and the step's bytes take β·2(N-1)/N·(parameters × 2), so they cross at N = β·parameters·2 / (buckets·α).
     */
    static String latencyNote(CostModel model, SyntheticModel big, String which) {
        int buckets = big.buckets().size();
        if (model.alphaMs() == 0) {
            return "latency (alpha " + which + ", 0 us): no latency-bound regime";
        }
        double crossover = model.betaMsPerByte() * big.parameters() * 2 / (buckets * model.alphaMs());
        return String.format(Locale.ROOT, "latency (alpha %s, %.3f us per hop): for %.0f M parameters in bf16, the ring's latency"
                        + " term (%d buckets x 2(N-1) hops x alpha) passes its bandwidth term (beta %.3f ns per byte) at N = %s",
                which, model.alphaMs() * 1e3, big.parameters() / 1e6, buckets, model.betaMsPerByte() * 1e6,
                crossover < 1e6 ? String.format(Locale.ROOT, "%.0f", crossover)
                        : String.format(Locale.ROOT, "%.1e: no latency-bound regime at any cluster size", crossover));
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
                + "model_efficiency,ideal_efficiency,wire_bytes_per_worker_step,cpu_seconds_per_step,model_bound,dilation,slots,alpha_us");
        for (List<Row> rows : List.of(measured, extrapolated)) {
            for (Row r : rows) {
                lines.add(String.format(Locale.ROOT, "%s,%d,%d,%.1f,%s,%.1f,%s,%.2f,%s,%s,%.4f,%.4f,%.0f,%s,%s,%s,%d,%.2f",
                        r.kind(), r.nodes(), r.parameters(), r.linkGbit(), r.mode().label, r.computeMs(),
                        orEmpty(r.measuredMs(), "%.2f"), r.predictedMs(), orEmpty(r.error(), "%.4f"),
                        orEmpty(r.efficiency(), "%.4f"), r.predictedEfficiency(), r.idealEfficiency(), r.wireBytes(),
                        orEmpty(r.cpuSeconds(), "%.4f"), r.kind().equals("measured") ? (r.cpuBound() ? "host-cpu" : "network") : "network",
                        orEmpty(r.dilation(), "%.2f"), r.slots(), r.alphaUs()));
            }
        }
        Files.write(file, lines);
    }

    private static String orEmpty(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }
}
