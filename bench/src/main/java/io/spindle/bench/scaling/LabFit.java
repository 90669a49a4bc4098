package io.spindle.bench.scaling;

import java.util.List;

/**
 * The cost model fitted to the lab, plus the one term only the lab has: its N workers share one host's cores, so
 * a step can take no less than the CPU work all of them do in it (they sleep through compute together, then all
 * work at once) divided by the cores the lab gets. Extrapolation drops that term: cluster nodes have cores each.
 *
 * @param network the α-β-γ model of the ring, fitted to the serial measurements that the host's CPU did not bound
 * @param hostCores the cores the lab's workers got between them, fitted (other work on the host lowers it)
 */
public record LabFit(CostModel network, double hostCores) {
    private static final int GRID = 400;
    private static final double MIN_CORES = 0.05, MAX_CORES = 64;

    /** The lab's predicted step: the network model's, or the host's CPU floor, whichever is longer. */
    public double stepMs(int n, SyntheticModel model, LabMode mode, double cpuSecondsPerStep) {
        return Math.max(network.stepMs(n, model, mode), cpuFloorMs(n, model, mode, cpuSecondsPerStep));
    }

    /** The shortest step the host's cores allow: the compute that no CPU work overlaps, then all workers' CPU work. */
    public double cpuFloorMs(int n, SyntheticModel model, LabMode mode, double cpuSecondsPerStep) {
        double idle = mode.overlapped ? model.forwardMs() : model.forwardMs() + model.backwardMs();
        return idle + n * cpuSecondsPerStep * 1e3 / hostCores;
    }

    /** True when the host's CPU, not the network model, sets this step's predicted time. */
    public boolean cpuBound(int n, SyntheticModel model, LabMode mode, double cpuSecondsPerStep) {
        return cpuFloorMs(n, model, mode, cpuSecondsPerStep) > network.stepMs(n, model, mode);
    }

    /**
     * Tries host core counts on a log grid; for each, fits the network model to the serial measurements that the
     * CPU floor does not explain, and keeps the pair with the least squared relative error over every measurement.
     */
    public static LabFit fit(SyntheticModel model, List<CostModel.Observation> observations) {
        LabFit best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (int g = 0; g <= GRID; g++) {
            double cores = MIN_CORES * Math.pow(MAX_CORES / MIN_CORES, g / (double) GRID);
            LabFit floorOnly = new LabFit(new CostModel(0, 0, 0), cores);
            List<CostModel.Observation> networkBound = observations.stream().filter(o -> !o.mode().overlapped
                    && floorOnly.cpuFloorMs(o.nodes(), model, o.mode(), o.cpuSecondsPerStep()) < o.stepMs()).toList();
            CostModel network = networkBound.isEmpty() ? new CostModel(0, 0, 0) : CostModel.fit(model, networkBound);
            LabFit candidate = new LabFit(network, cores);
            double error = 0;
            for (CostModel.Observation o : observations) {
                double e = candidate.stepMs(o.nodes(), model, o.mode(), o.cpuSecondsPerStep()) / o.stepMs() - 1;
                error += e * e;
            }
            if (error < bestError) {
                bestError = error;
                best = candidate;
            }
        }
        return best;
    }
}
