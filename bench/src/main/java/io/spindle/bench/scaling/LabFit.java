package io.spindle.bench.scaling;

import java.util.List;

/**
 * The cost model fitted to the lab, plus the one term only the lab has: its N workers share one host's cores, so
 * a step can take no less than the CPU work all of them do in it (they sleep through compute together, then all
 * work at once) divided by the cores the lab gets. Extrapolation drops that term: cluster nodes have cores each.
 *
 * @param network the α-β-γ model of the ring
 * @param hostCores the cores the lab's workers got between them, fitted (other work on the host lowers it)
 */
public record LabFit(CostModel network, double hostCores) {
    private static final double MIN_CORES = 0.05, MAX_CORES = 64;

    /**
     * The workers' CPU per step as the lab measured it (CPU seconds, however the cores were shared), split into a part
     * per wire byte, a part per value a 2-byte format reduces (its casts) and a fixed part, all ≥ 0. The ring moves
     * 2·(bytes per value) bytes per value reduced at every N, so one wire format alone cannot tell its bytes from its
     * values: fp32's reduction is counted in its bytes (its per-value part is 0), and bf16's extra per value is what
     * its CPU has beyond its bytes' share.
     */
    public static CpuTerms cpuTerms(List<CostModel.Observation> observations, SyntheticModel model) {
        double[][] x = new double[observations.size()][];
        double[] y = new double[observations.size()];
        for (int i = 0; i < y.length; i++) {
            CostModel.Observation o = observations.get(i);
            double[] f = CostModel.stepFeatures(o.nodes(), model, o.mode().bytesPerValue());
            x[i] = new double[] {f[1], f[2], 1};
            y[i] = o.cpuSecondsPerStep() * 1e3;
        }
        double[] ms = NonNegativeLeastSquares.solve(x, y);
        return new CpuTerms(0, ms[1] * 1e6, ms[0] * 1e6, ms[2]);
    }

    /** The lab's predicted step: the network model's, or the host's CPU floor, whichever is longer. */
    public double stepMs(int n, SyntheticModel model, LabMode mode, double cpuSecondsPerStep) {
        return Math.max(network.stepMs(n, model, mode), cpuFloorMs(n, model, mode, cpuSecondsPerStep));
    }

    /**
     * The shortest step the host's cores allow: the compute that no CPU work overlaps (none when overlapped: the gathers
     * run behind forward, the reduce-scatters behind backward), then all workers' CPU work.
     */
    public double cpuFloorMs(int n, SyntheticModel model, LabMode mode, double cpuSecondsPerStep) {
        double idle = mode.overlapped ? 0 : model.forwardMs() + model.backwardMs();
        return idle + n * cpuSecondsPerStep * 1e3 / hostCores;
    }

    /** True when the host's CPU, not the network model, sets this step's predicted time. */
    public boolean cpuBound(int n, SyntheticModel model, LabMode mode, double cpuSecondsPerStep) {
        return cpuFloorMs(n, model, mode, cpuSecondsPerStep) > network.stepMs(n, model, mode);
    }

    /**
     * Fits α, β, γ and the host's cores to every measurement, serial and overlapped, minimising the squared relative
     * error of the predicted steps. The overlapped steps pin α down: they pay it once per bucket. The search runs
     * on the logarithms (so every value stays positive) from a few starting points, and keeps the best. β is held
     * at or above {@code bound}'s: where the CPU floor takes the blame for a slow step, the link must not be credited
     * with more than it can carry. The ring runs pieces of {@code pieceBytes}.
     */
    public static LabFit fit(SyntheticModel model, List<CostModel.Observation> observations, CostModel bound, int pieceBytes) {
        double lineBeta = bound.betaMsPerByte();
        java.util.function.ToDoubleFunction<double[]> error = x -> {
            LabFit candidate = of(x, lineBeta, pieceBytes);
            double sum = 0;
            for (CostModel.Observation o : observations) {
                double e = candidate.stepMs(o.nodes(), model, o.mode(), o.cpuSecondsPerStep()) / o.stepMs() - 1;
                sum += e * e;
            }
            return sum;
        };
        double[] best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (double alpha : new double[] {1e-3, 0.1}) {          // ms per hop
            for (double cores : new double[] {0.3, 1.5, 8}) {
                double[] start = {Math.log(alpha), Math.log(0.1 * lineBeta), Math.log(1e-6), Math.log(cores)};
                double[] x = NelderMead.minimise(error, start, 1.0, 600);
                x = NelderMead.minimise(error, x, 0.2, 400);   // restart: the simplex may have collapsed early
                double e = error.applyAsDouble(x);
                if (e < bestError) {
                    bestError = e;
                    best = x;
                }
            }
        }
        return of(best, lineBeta, pieceBytes);
    }

    /** {@link #fit} for the ring's own pieces, β held at or above the line rate of a {@code linkGbit} link. */
    public static LabFit fit(SyntheticModel model, List<CostModel.Observation> observations, double linkGbit) {
        return fit(model, observations, CostModel.ideal(linkGbit), CostModel.RING_PIECE_BYTES);
    }

    private static LabFit of(double[] logs, double lineBeta, int pieceBytes) {
        double cores = Math.min(MAX_CORES, Math.max(MIN_CORES, Math.exp(logs[3])));
        CostModel network = new CostModel(Math.exp(logs[0]), lineBeta + Math.exp(logs[1]), Math.exp(logs[2]));
        return new LabFit(network.withPieceBytes(pieceBytes), cores);
    }
}
