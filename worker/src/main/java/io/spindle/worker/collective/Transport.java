package io.spindle.worker.collective;

import java.util.Arrays;

/** How the workers of a stage reach each other: the resolved {@code training.transport} of a job. */
public enum Transport {
    /** A TCP ring between the executors. */
    RING("ring"),
    /** A star through the driver, for clusters whose executors cannot reach each other. */
    COORDINATOR("coordinator"),
    /** Threads of one JVM exchanging through shared memory (Spark local mode). */
    IN_JVM("in_jvm"),
    /**
     * Ranks sharing an executor reduce in memory, one leader per executor joins a TCP ring; the flat ring where every
     * executor runs one rank.
     */
    HIERARCHICAL("hierarchical");

    private final String jsonName;

    Transport(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The transport named {@code name} in a job file ({@code auto} is resolved before this). */
    public static Transport parse(String name) {
        for (Transport t : values()) if (t.jsonName.equals(name)) return t;
        throw new IllegalArgumentException("transport must be one of " + Arrays.stream(values()).map(Transport::jsonName).toList() + ", got " + name);
    }
}
