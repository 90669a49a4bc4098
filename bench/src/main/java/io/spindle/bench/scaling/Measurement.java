package io.spindle.bench.scaling;

/**
 * One worker count and mode as measured: the slowest rank's mean step time, and per worker per step the
 * bytes it sent (framing included) and its process CPU seconds (averaged over the ranks).
 */
public record Measurement(int nodes, LabMode mode, double stepMs, double wireBytesPerStep, double cpuSecondsPerStep) { }
