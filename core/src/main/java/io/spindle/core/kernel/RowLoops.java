package io.spindle.core.kernel;

/**
 * The eight-lane order that every sum of the kernels here follows. Sums run in eight interleaved partial sums, added
 * in lane order at the end, then the tail: SIMD (a 256-bit vector of eight lanes, on every machine) and the scalar
 * twin add the same numbers in the same order, so they agree bit for bit, and so do machines with different vector
 * widths.
 */
public final class RowLoops {
    static final int LANES = 8;

    private RowLoops() {
    }

    /** The partial sums added in lane order: how the SIMD loops end their sums too. */
    static float inOrder(float[] lanes) {
        return inOrder(lanes, 0);
    }

    /** The eight partial sums at {@code lanes[at …]} added in lane order. */
    static float inOrder(float[] lanes, int at) {
        float sum = lanes[at];
        for (int l = 1; l < LANES; l++) sum += lanes[at + l];
        return sum;
    }
}
