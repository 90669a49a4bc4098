package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks shared by the optimizer kernels' tests. */
final class KernelRuns {
    private KernelRuns() {
    }

    /** Fails naming the buffer and step if any element of {@code buffers} is subnormal (zero is fine). */
    static void assertNoSubnormal(INDArray[] buffers, String where) {
        for (int k = 0; k < buffers.length; k++) {
            for (float x : buffers[k].toFloatVector()) {
                assertTrue(x == 0 || Math.abs(x) >= Float.MIN_NORMAL, where + ": buffer " + k + " holds " + x);
            }
        }
    }
}
