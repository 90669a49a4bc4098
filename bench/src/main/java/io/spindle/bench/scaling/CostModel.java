package io.spindle.bench.scaling;

import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.sync.EagerGathers;
import io.spindle.worker.sync.GradientBuckets;
import java.util.List;
import java.util.Objects;

/**
 * The α-β-γ cost of a ring all-reduce, and of the sharded step around a synthetic forward and backward (serial: each
 * bucket reduce-scattered and gathered after backward; overlapped: reduce-scattered behind backward, and gathered
 * during backward or behind the next forward).
 * A ring of N ranks moves a bucket in two halves (reduce-scatter, gather) of N-1 steps each; in a step each rank
 * sends one of the bucket's N chunks (β per byte, α of latency per hop) and reduces or casts the chunk it receives
 * ({@link CpuTerms}). A chunk travels in pieces of at most {@code pieceBytes}, and a piece is reduced while the next
 * one travels; but a rank can pass a piece on only once it has reduced it, so a chunk that is a single piece (the lab's
 * and most clusters' sizes, with the ring's 1 MiB pieces) pays its wire time and its CPU time one after the other.
 * The socket's copies stream with the wire and cost time only where they are slower than the link. Times are in
 * milliseconds.
 *
 * @param alphaMs per-hop latency
 * @param betaMsPerByte per-byte time on one link, fp32 reduction included when {@code cpu} leaves it out
 * @param cpu the CPU a rank spends per value reduced, per byte sent and per step
 * @param pieceBytes the ring's pipelined piece ({@link #RING_PIECE_BYTES} in Spindle's ring)
 */
public record CostModel(double alphaMs, double betaMsPerByte, CpuTerms cpu, int pieceBytes) {

    /** The piece the ring pipelines a chunk in ({@code CollectiveOptions}' default, which jobs do not change). */
    public static final int RING_PIECE_BYTES = CollectiveOptions.DEFAULT_CHUNK_BYTES;
    private static final int MIN_PIECE_BYTES = 1 << 10;

    public CostModel {
        if (!(alphaMs >= 0 && betaMsPerByte >= 0 && alphaMs < Double.POSITIVE_INFINITY && betaMsPerByte < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("alpha and beta must be finite and >= 0, got " + alphaMs + ", " + betaMsPerByte);
        }
        Objects.requireNonNull(cpu, "cpu");
        if (pieceBytes < MIN_PIECE_BYTES) {
            throw new IllegalArgumentException("pieceBytes must be >= " + MIN_PIECE_BYTES + ", got " + pieceBytes);
        }
    }

    /**
     * The lab's network model: α, β, and γ per value a 2-byte wire format reduces (its casts); fp32's reduction moves
     * with its bytes and sits in β, which is the only split one model size can tell apart.
     */
    public CostModel(double alphaMs, double betaMsPerByte, double gammaMsPerValue) {
        this(alphaMs, betaMsPerByte, castsOnly(gammaMsPerValue), RING_PIECE_BYTES);
    }

    public CostModel(double alphaMs, double betaMsPerByte, CpuTerms cpu) {
        this(alphaMs, betaMsPerByte, cpu, RING_PIECE_BYTES);
    }

    private static CpuTerms castsOnly(double gammaMsPerValue) {
        if (!(gammaMsPerValue >= 0)) {
            throw new IllegalArgumentException("gamma must be >= 0, got " + gammaMsPerValue);
        }
        return new CpuTerms(0, gammaMsPerValue * 1e6, 0, 0);
    }

    /** The per-value cost a 2-byte wire format adds: γ of the lab's model. */
    public double gammaMsPerValue() {
        return cpu.bfloat16NsPerValue() * 1e-6;
    }

    /** The bound a link of {@code gbit} allows if every bit were payload: bandwidth only, no latency and free reduction. */
    public static CostModel ideal(double gbit) {
        return new CostModel(0, 8.0 / (gbit * 1e9) * 1e3, CpuTerms.NONE);
    }

    /** The bound a link of {@code gbit} allows TCP's payload in {@code framing}'s full-sized frames; else as {@link #ideal(double)}. */
    public static CostModel ideal(double gbit, EthernetFraming framing) {
        return new CostModel(0, ideal(gbit).betaMsPerByte() / framing.payloadShare(), CpuTerms.NONE);
    }

    /** This model on a link {@code toGbit} fast, its per-byte time scaled from a link {@code fromGbit} fast. */
    public CostModel onLink(double fromGbit, double toGbit) {
        return new CostModel(alphaMs, betaMsPerByte * fromGbit / toGbit, cpu, pieceBytes);
    }

    public CostModel withAlphaMs(double value) {
        return new CostModel(value, betaMsPerByte, cpu, pieceBytes);
    }

    public CostModel withCpu(CpuTerms value) {
        return new CostModel(alphaMs, betaMsPerByte, value, pieceBytes);
    }

    public CostModel withPieceBytes(int value) {
        return new CostModel(alphaMs, betaMsPerByte, cpu, value);
    }

    /** One all-reduce of {@code values} values, {@code bytesPerValue} each on the wire, over {@code n} ranks. */
    public double allReduceMs(int n, long values, int bytesPerValue) {
        return 2 * halfMs(n, values, bytesPerValue);
    }

    /**
     * One half of an all-reduce (a reduce-scatter or a gather; each gets half of a value's CPU): N-1 steps of a chunk
     * each, played piece by piece. A piece leaves when the link is free and this rank has reduced the same piece of
     * the step before (every rank does the same, so the piece it receives left its predecessor then too); it arrives
     * α after its bytes are sent, and is reduced when the CPU is free.
     */
    double halfMs(int n, long values, int bytesPerValue) {
        if (n < 2 || values == 0) {
            return 0;
        }
        double chunkValues = values / (double) n, chunkBytes = chunkValues * bytesPerValue;
        int pieces = (int) Math.max(1, Math.ceil(chunkBytes / pieceBytes - 1e-9));
        double send = Math.max(betaMsPerByte, cpu.nsPerByte() * 1e-6) * chunkBytes / pieces;
        double reduce = cpu.ms(chunkValues / 2, 0, bytesPerValue) / pieces;
        double linkFree = 0, cpuFree = 0;
        double[] reduced = new double[pieces];   // when this rank reduced each piece of the step before
        for (int step = 0; step < n - 1; step++) {
            for (int p = 0; p < pieces; p++) {
                linkFree = Math.max(linkFree, reduced[p]) + send;
                cpuFree = Math.max(cpuFree, linkFree + alphaMs) + reduce;
                reduced[p] = cpuFree;
            }
        }
        return cpuFree;
    }

    /** The α, β and γ coefficients of one all-reduce: hops, wire bytes per rank, values reduced through casts. */
    static double[] features(int n, long values, int bytesPerValue) {
        double cast = bytesPerValue < 4 ? valuesReduced(n, values) : 0;
        return new double[] {2.0 * (n - 1), RingBytes.perWorker(n, values, bytesPerValue), cast};
    }

    /** The values one rank reduces in an all-reduce of {@code values}: the (N-1)/N of them it receives. */
    static double valuesReduced(int n, long values) {
        return (n - 1) / (double) n * values;
    }

    /**
     * A step's time. Serial: forward, backward, then each bucket's reduce-scatter and all-gather (an all-reduce's
     * cost, paid per bucket). Overlapped: the training step's schedule ({@code OverlappedShardedSync}), one call at a
     * time on the communication thread. Each bucket's reduce-scatter starts when backward releases it; the buckets
     * backward releases first ({@link EagerGathers}) are gathered during backward, each after the next bucket's
     * reduce-scatter; the others are gathered first layers first from the update on, while forward waits per layer for
     * its bucket. The update ends a step once backward and the last reduce-scatter are done. The figure is the steady
     * state's: a few steps, each starting at the previous update. Either way the CPU's fixed part is paid once a step.
     */
    public double stepMs(int n, SyntheticModel model, LabMode mode) {
        double compute = model.forwardMs() + model.backwardMs();
        if (!mode.overlapped) {
            double comm = 0;
            for (SyntheticModel.Bucket b : model.buckets()) comm += allReduceMs(n, b.length(), mode.bytesPerValue());
            return compute + comm + cpu.fixedMsPerStep();
        }
        List<SyntheticModel.Bucket> released = model.buckets();
        int b = released.size();
        int eager = EagerGathers.count(released.stream().map(r -> new GradientBuckets.Bucket(r.offset(), r.offset() + r.length())).toList(),
                model.parameters());
        double[] half = new double[b];   // one reduce-scatter or gather of each bucket, in release order
        for (int i = 0; i < b; i++) half[i] = halfMs(n, released.get(i).length(), mode.bytesPerValue());
        double update = 0, step = 0;
        for (int k = 0; k < STEADY_STATE_STEPS; k++) {
            double wire = update;
            double[] gathered = new double[b];
            for (int i = b - 1; i >= eager; i--) {
                wire += half[i];
                gathered[i] = wire;
            }
            double t = update;
            for (int l = 0, i = b - 1; l < model.layers(); l++) {
                while (model.layerOffset(l) >= released.get(i).offset() + released.get(i).length()) i--;
                if (i >= eager) t = Math.max(t, gathered[i]);
                t += model.layerForwardMs(l);
            }
            double backwardStart = t;
            for (int i = 0; i < b; i++) {
                wire = Math.max(wire, backwardStart + released.get(i).releaseMs() - model.forwardMs()) + half[i];
                if (i >= 1 && i - 1 < eager) wire += half[i - 1];
            }
            double next = Math.max(wire, backwardStart + model.backwardMs()) + cpu.fixedMsPerStep();
            step = next - update;
            update = next;
        }
        return step;
    }

    /** Steps the overlapped schedule runs before its step time is read: from the first, whose gathers start idle, it settles. */
    private static final int STEADY_STATE_STEPS = 6;

    /** The α, β and γ coefficients of the serial step's communication: {@link #features} summed over the buckets. */
    static double[] stepFeatures(int n, SyntheticModel model, int bytesPerValue) {
        double[] sum = new double[3];
        for (SyntheticModel.Bucket b : model.buckets()) {
            double[] f = features(n, b.length(), bytesPerValue);
            for (int j = 0; j < 3; j++) sum[j] += f[j];
        }
        return sum;
    }

    /** A measured step of one worker count and mode: its time, and each worker's CPU seconds in it. */
    public record Observation(int nodes, LabMode mode, double stepMs, double cpuSecondsPerStep) { }

    /**
     * Fits α, β, γ (all ≥ 0) to the serial modes' measured steps, minimising squared relative error. The
     * overlapped measurements are left out: the model predicts them, which tests it.
     */
    public static CostModel fit(SyntheticModel model, List<Observation> observations) {
        List<Observation> serial = observations.stream().filter(o -> !o.mode().overlapped).toList();
        if (serial.isEmpty()) {
            throw new IllegalArgumentException("the fit needs at least one serial-mode measurement");
        }
        double compute = model.forwardMs() + model.backwardMs();
        double[][] x = new double[serial.size()][];
        double[] y = new double[serial.size()];
        for (int i = 0; i < serial.size(); i++) {
            Observation o = serial.get(i);
            double[] f = stepFeatures(o.nodes(), model, o.mode().bytesPerValue());
            for (int j = 0; j < f.length; j++) {
                f[j] /= o.stepMs();
            }
            x[i] = f;
            y[i] = (o.stepMs() - compute) / o.stepMs();
        }
        double[] theta = NonNegativeLeastSquares.solve(x, y);
        return new CostModel(theta[0], theta[1], theta[2]);
    }
}
