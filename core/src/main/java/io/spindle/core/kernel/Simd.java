package io.spindle.core.kernel;

/**
 * Whether the Vector API is there. It is an incubator module in Java 17: present only when the JVM was started
 * with {@code --add-modules=jdk.incubator.vector}, so every class that names it is loaded only after this check.
 * {@code -Dspindle.simd=false} turns it off (the scalar loops give the same bits, more slowly).
 */
public final class Simd {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("spindle.simd"));

    private Simd() {
    }

    public static boolean available() {
        return AVAILABLE;
    }
}
