package io.spindle.bench.scaling;

/**
 * One worker count and mode as measured: the slowest rank's mean step time in scenario time (the lab's time divided by
 * {@code dilation}), and per worker per step the bytes it sent (framing included) and its process CPU seconds (averaged
 * over the ranks, as the host's clock counts them).
 */
public record Measurement(int nodes, LabMode mode, double stepMs, double wireBytesPerStep, double cpuSecondsPerStep,
                          double dilation) {

    /** For the host-CPU floor in scenario time: a host whose time runs {@code dilation} times slower gives each step that many times the CPU. */
    CostModel.Observation inScenarioTime() {
        return new CostModel.Observation(nodes, mode, stepMs, cpuSecondsPerStep / dilation);
    }

    /** For the CPU a node with cores of its own pays: the CPU seconds as measured. */
    CostModel.Observation withCpuAsMeasured() {
        return new CostModel.Observation(nodes, mode, stepMs, cpuSecondsPerStep);
    }
}
