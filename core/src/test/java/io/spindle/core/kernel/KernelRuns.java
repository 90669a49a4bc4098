package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
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

    /** {@code count} float buffers of {@code length} Gaussian values, seeds {@code seed}, {@code seed} + 1, …. */
    static INDArray[] gaussians(int seed, int count, long length) {
        INDArray[] b = new INDArray[count];
        for (int k = 0; k < count; k++) b[k] = TestArrays.gaussian(seed + k, DataType.FLOAT, length);
        return b;
    }

    /** Each array's memory ({@link Memory#of}); the arrays must stay reachable while the buffers are used. */
    static ByteBuffer[] memory(INDArray[] arrays) {
        ByteBuffer[] m = new ByteBuffer[arrays.length];
        for (int k = 0; k < arrays.length; k++) m[k] = Memory.of(arrays[k]);
        return m;
    }
}
