package io.spindle.bench.scaling;

/** What a ring all-reduce puts on the wire: each rank sends 2(N-1) of the N chunks of the buffer. */
public final class RingBytes {
    private RingBytes() {
    }

    /** Payload bytes one rank sends for one all-reduce of {@code values} values (framing not counted). */
    public static double perWorker(int nodes, long values, int bytesPerValue) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
        }
        return 2.0 * (nodes - 1) / nodes * values * bytesPerValue;
    }
}
