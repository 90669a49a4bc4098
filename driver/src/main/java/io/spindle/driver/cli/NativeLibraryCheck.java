package io.spindle.driver.cli;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads the native core (libnd4j through JavaCPP) before anything else, so that a missing or
 * mismatched native library stops the job at once with what to check, not deep inside a stage.
 */
final class NativeLibraryCheck {
    /** The environment cannot run Spindle's native core; the message says what to change. */
    static final class NativeLibraryException extends RuntimeException {
        NativeLibraryException(String message) {
            super(message);
        }
    }

    private NativeLibraryCheck() {
    }

    static void require() {
        try {
            Nd4j.create(DataType.FLOAT, 1).addi(1);
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            throw new NativeLibraryException("the native library (libnd4j via JavaCPP) did not load: " + root
                    + ". Check that the jar holds nd4j-native and openblas for this platform (" + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + "; only linux-x86_64 is bundled), that -Dorg.bytedeco.javacpp.platform is not forced "
                    + "to another one, and that the unpack directory (-Dorg.bytedeco.javacpp.cachedir, now "
                    + System.getProperty("org.bytedeco.javacpp.cachedir", "~/.javacpp/cache") + ") is writable with ~400 MB free; "
                    + "executors need the same through spark.executor.extraJavaOptions");
        }
    }
}
