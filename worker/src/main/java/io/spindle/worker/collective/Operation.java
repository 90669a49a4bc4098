package io.spindle.worker.collective;

/** The collective operations, with their wire codes and the words error messages use for them. */
enum Operation {
    ALL_REDUCE(1, "all-reduce"),
    BROADCAST(2, "broadcast"),
    BARRIER(3, "barrier"),
    REDUCE_SCATTER(4, "reduce-scatter"),
    ALL_GATHER(5, "all-gather"),
    /** Not an operation: a peer is between operations (or has not named its next one yet). */
    IDLE(0, "");

    final byte code;
    private final String label;

    Operation(int code, String label) {
        this.code = (byte) code;
        this.label = label;
    }

    /** "during all-reduce", or "between operations" for IDLE. */
    String during() {
        return this == IDLE ? "between operations" : "during " + label;
    }

    /** The operation with this wire code (never IDLE), or null. */
    static Operation fromCode(byte code) {
        for (Operation op : values()) {
            if (op.code == code && op != IDLE) {
                return op;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return this == IDLE ? "operation" : label;
    }
}
