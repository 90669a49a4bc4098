package io.spindle.core;

/**
 * JVM-wide settings for the native (JavaCPP / libnd4j) runtime that must be in place before ND4J loads.
 * Entry points (the CLI, each Spark task) call {@link #configure()} first; the launchers also pass the
 * same flags, which covers code that touches ND4J earlier.
 */
public final class NativeRuntime {
    /**
     * JavaCPP's physical-memory guard reads the process's resident size (a /proc read) on every native
     * allocation — a fifth of a small training step here, and a lock two workers contend for. Off-heap
     * memory stays bounded by JavaCPP's {@code maxBytes} (the heap size by default), which it tracks itself.
     */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private NativeRuntime() {
    }

    /** Turns the per-allocation physical-memory check off unless the user chose a value. */
    public static void configure() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }
}
