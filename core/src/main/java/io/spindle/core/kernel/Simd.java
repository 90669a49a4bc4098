package io.spindle.core.kernel;

/**
 * Whether the Vector API is there. It is an incubator module in Java 17: present only when the JVM was started
 * with {@code --add-modules=jdk.incubator.vector}, so every class that names it is loaded only after this check.
 * {@code -Dspindle.simd=false} turns it off (the scalar loops give the same bits, more slowly), and so does a
 * JVM whose Vector API no longer has the calls the loops make.
 */
public final class Simd {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("spindle.simd")) && loopsLink();

    private Simd() {
    }

    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Whether the SIMD loops run on this JVM: the incubator API changes between Java releases (Java 19 replaced
     * the ByteBuffer loads and stores the loops use with memory segments), so one tiny loop is tried first.
     */
    private static boolean loopsLink() {
        try {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocateDirect(4).order(java.nio.ByteOrder.nativeOrder());
            VectorLoops.mean(new java.nio.ByteBuffer[] {one}, one, 0, 1);
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
