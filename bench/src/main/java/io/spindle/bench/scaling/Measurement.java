package io.spindle.bench.scaling;

/**
 * One worker count and mode as measured: the slowest rank's mean step time in scenario time (the lab's time divided by
 * {@code dilation}), and per worker per step the bytes it sent (framing included) and its process CPU seconds (averaged
 * over the ranks, as the host's clock counts them).
 */
public record Measurement(int nodes, LabMode mode, double stepMs, double wireBytesPerStep, double cpuSecondsPerStep,
                          double dilation, int slots) {

    /** The emulated hosts: the ring's ranks. */
    public int hosts() {
        return nodes / slots;
    }

    /**
     * For the cost model, which sees the ring of hosts, and the host-CPU floor in scenario time: a host's CPU per step
     * (all its workers'), divided by the dilation, since a host whose time runs d times slower gives a step d times the CPU.
     */
    CostModel.Observation inScenarioTime() {
        return new CostModel.Observation(hosts(), mode, stepMs, cpuSecondsPerStep * slots / dilation);
    }

    /** For the split of the lab's CPU ({@link LabFit#cpuTerms}): a host's workers' CPU seconds as measured. */
    CostModel.Observation withCpuAsMeasured() {
        return new CostModel.Observation(hosts(), mode, stepMs, cpuSecondsPerStep * slots);
    }
}
