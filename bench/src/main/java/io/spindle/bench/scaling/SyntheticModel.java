package io.spindle.bench.scaling;

import java.util.ArrayList;
import java.util.List;

/**
 * A model that costs time but no CPU: {@code layers} layers of near-equal size over one flat gradient buffer,
 * each layer's backward taking time in proportion to its parameters (its FLOPs, for dense layers), grouped into
 * buckets of contiguous layers in the order backward finishes them (last layer first).
 */
public final class SyntheticModel {

    /** A bucket of contiguous layers: its place in the flat buffer, and when backward releases it (from step start). */
    public record Bucket(long offset, int length, double releaseMs) { }

    private final double forwardMs;
    private final double backwardMs;
    private final long[] layerOffsets;   // layers + 1 entries
    private final List<Bucket> buckets;  // in release order

    public SyntheticModel(long parameters, int layers, double forwardMs, double backwardMs, double bucketMib) {
        this.forwardMs = forwardMs;
        this.backwardMs = backwardMs;
        layerOffsets = new long[layers + 1];
        for (int l = 0; l <= layers; l++) {
            layerOffsets[l] = parameters * l / layers;
        }
        buckets = group(parameters, (long) Math.ceil(bucketMib * (1 << 20) / 4));
    }

    /** The lab's model: the parameter count of its real network ({@link LabNetwork}), nearest the configured one. */
    public static SyntheticModel of(LabConfig c) {
        return new SyntheticModel(LabNetwork.parameters(c.parameters(), c.layers()), c.layers(), c.forwardMs(), c.backwardMs(), c.bucketMib());
    }

    private List<Bucket> group(long parameters, long bucketValues) {
        List<Bucket> out = new ArrayList<>();
        int end = layers();
        for (int l = layers() - 1; l >= 0; l--) {
            boolean full = layerOffsets[end] - layerOffsets[l] >= bucketValues;
            if (full || l == 0) {
                long offset = layerOffsets[l];
                out.add(new Bucket(offset, Math.toIntExact(layerOffsets[end] - offset), forwardMs + backwardDoneMs(l, parameters)));
                end = l;
            }
        }
        return List.copyOf(out);
    }

    /** When backward has finished layers [layer, layers), from the start of the step. */
    private double backwardDoneMs(int layer, long parameters) {
        return backwardMs * (parameters - layerOffsets[layer]) / (double) parameters;
    }

    public int layers() {
        return layerOffsets.length - 1;
    }

    public long parameters() {
        return layerOffsets[layers()];
    }

    public double forwardMs() {
        return forwardMs;
    }

    public double backwardMs() {
        return backwardMs;
    }

    public List<Bucket> buckets() {
        return buckets;
    }

    /** Where layer {@code l}'s parameters start in the flat buffer ({@code l == layers()}: the buffer's end). */
    public long layerOffset(int l) {
        return layerOffsets[l];
    }

    /** Layer {@code l}'s forward time: forward in proportion to its parameters. */
    public double layerForwardMs(int l) {
        return forwardMs * (layerOffsets[l + 1] - layerOffsets[l]) / (double) parameters();
    }

    /**
     * Runs one step's synthetic compute: forward layer by layer, first telling {@code needed} that the parameters up to
     * the layer's end are about to be read (the training step's {@code parametersNeededThrough}, which may wait for
     * them), then backward, telling {@code readyFrom} each time a layer is done that the gradients from its first
     * element on are final ({@code gradientsReadyFrom}), last layer first. Deadlines are absolute from each phase's
     * start, so sleep overshoot does not add up; a wait in forward delays the rest.
     */
    public void runStep(java.util.function.LongConsumer needed, java.util.function.LongConsumer readyFrom) throws InterruptedException {
        long deadline = System.nanoTime();
        for (int l = 0; l < layers(); l++) {
            needed.accept(layerOffsets[l + 1]);
            deadline = Math.max(deadline, System.nanoTime()) + (long) (layerForwardMs(l) * 1e6);
            sleepUntil(deadline);
        }
        long backwardStart = System.nanoTime();
        long parameters = parameters();
        for (int l = layers() - 1; l >= 0; l--) {
            sleepUntil(backwardStart + (long) (backwardDoneMs(l, parameters) * 1e6));
            readyFrom.accept(layerOffsets[l]);
        }
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }
}
