package io.spindle.bench.scaling;

import io.spindle.worker.sync.EagerGathers;
import io.spindle.worker.sync.GradientBuckets;
import java.util.List;

/**
 * The α-β-γ cost of a ring all-reduce, and of the sharded step around a synthetic forward and backward (serial: each
 * bucket reduce-scattered and gathered after backward; overlapped: reduce-scattered behind backward, and gathered
 * during backward or behind the next forward):
 * a ring of N ranks takes 2(N-1) latency hops (α each), sends 2(N-1)/N of the buffer's wire bytes per rank (β per
 * byte), and reduces (N-1)/N of its values per rank. The reduction's cost is split the only way one model size can
 * tell apart: fp32's pass moves with its bytes and sits in β; a 2-byte wire format adds γ per value reduced for its
 * casts. Times are in milliseconds.
 *
 * @param alphaMs per-hop latency
 * @param betaMsPerByte per-byte time on one link, fp32 reduction included
 * @param gammaMsPerValue per-value reduction cost a 2-byte wire format adds (its casts)
 */
public record CostModel(double alphaMs, double betaMsPerByte, double gammaMsPerValue) {

    public CostModel {
        if (!(alphaMs >= 0 && betaMsPerByte >= 0 && gammaMsPerValue >= 0)) {
            throw new IllegalArgumentException("alpha, beta and gamma must be >= 0, got "
                    + alphaMs + ", " + betaMsPerByte + ", " + gammaMsPerValue);
        }
    }

    /** The bound a link of {@code gbit} allows: bandwidth only, no latency and free reduction. */
    public static CostModel ideal(double gbit) {
        return new CostModel(0, 8.0 / (gbit * 1e9) * 1e3, 0);
    }

    /** This model on a link {@code toGbit} fast, its per-byte time scaled from a link {@code fromGbit} fast. */
    public CostModel onLink(double fromGbit, double toGbit) {
        return new CostModel(alphaMs, betaMsPerByte * fromGbit / toGbit, gammaMsPerValue);
    }

    /** One all-reduce of {@code values} values, {@code bytesPerValue} each on the wire, over {@code n} ranks. */
    public double allReduceMs(int n, long values, int bytesPerValue) {
        double[] f = features(n, values, bytesPerValue);
        return f[0] * alphaMs + f[1] * betaMsPerByte + f[2] * gammaMsPerValue;
    }

    /** The α, β and γ coefficients of one all-reduce: hops, wire bytes per rank, values reduced through casts. */
    static double[] features(int n, long values, int bytesPerValue) {
        double cast = bytesPerValue < 4 ? (n - 1) / (double) n * values : 0;
        return new double[] {2.0 * (n - 1), RingBytes.perWorker(n, values, bytesPerValue), cast};
    }

    /**
     * A step's time. Serial: forward, backward, then each bucket's reduce-scatter and all-gather (an all-reduce's
     * cost, paid per bucket). Overlapped: the training step's schedule ({@code OverlappedShardedSync}), one call at a
     * time on the communication thread. Each bucket's reduce-scatter starts when backward releases it; the buckets
     * backward releases first ({@link EagerGathers}) are gathered during backward, each after the next bucket's
     * reduce-scatter; the others are gathered first layers first from the update on, while forward waits per layer for
     * its bucket. The update ends a step once backward and the last reduce-scatter are done. The figure is the steady
     * state's: a few steps, each starting at the previous update.
     */
    public double stepMs(int n, SyntheticModel model, LabMode mode) {
        double compute = model.forwardMs() + model.backwardMs();
        if (!mode.overlapped) {
            double comm = 0;
            for (SyntheticModel.Bucket b : model.buckets()) comm += allReduceMs(n, b.length(), mode.bytesPerValue());
            return compute + comm;
        }
        List<SyntheticModel.Bucket> released = model.buckets();
        int b = released.size();
        int eager = EagerGathers.count(released.stream().map(r -> new GradientBuckets.Bucket(r.offset(), r.offset() + r.length())).toList(),
                model.parameters());
        double[] half = new double[b];   // one reduce-scatter or gather of each bucket, in release order
        for (int i = 0; i < b; i++) half[i] = allReduceMs(n, released.get(i).length(), mode.bytesPerValue()) / 2;
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
            double next = Math.max(wire, backwardStart + model.backwardMs());
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
