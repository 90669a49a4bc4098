package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The off-heap memory of a contiguous ND4J array as a native-order {@link ByteBuffer} over exactly its elements. */
public final class Memory {
    private Memory() {
    }

    /**
     * Whether element i of {@code a}'s memory is element i of the array in c order, whatever a kernel pairs
     * it with: one stride of 1 and c order, or a shape with at most one axis longer than 1 (any order).
     */
    public static boolean isContiguous(INDArray a) {
        if (a.length() <= 1) return true;
        if (a.elementWiseStride() != 1) return false;
        if (a.rank() < 2 || a.ordering() == 'c') return true;
        int longAxes = 0;
        for (long d : a.shape()) {
            if (d > 1) longAxes++;
        }
        return longAxes <= 1;
    }

    /**
     * A buffer over {@code a}'s elements, index 0 at its first. It aliases the array: writes show in it
     * at once. The caller must keep {@code a} reachable while using the buffer (the array owns the memory).
     */
    public static ByteBuffer of(INDArray a) {
        if (!isContiguous(a)) {
            throw new IllegalArgumentException("a kernel needs contiguous memory, not an array of shape "
                    + Arrays.toString(a.shape()) + " and stride " + Arrays.toString(a.stride()));
        }
        if (a.length() == 0) return ByteBuffer.allocate(0).order(ByteOrder.nativeOrder());
        long bytes = a.length() * a.data().getElementSize();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an array of " + bytes + " bytes is beyond what one buffer addresses (2 GiB)");
        }
        // The view's own memory: addressPointer() already points at its first element, so a small view
        // inside an allocation of 2 GiB or more works too (asNio() would map the whole allocation).
        BytePointer start = new BytePointer(a.data().addressPointer());
        start.position(0).limit(bytes).capacity(bytes);
        return start.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** An optimizer kernel's buffers: {@code others} of {@code params}' length and type, which is FLOAT or DOUBLE. */
    static void requireKernelBuffers(String kernel, INDArray params, INDArray... others) {
        for (INDArray a : others) {
            if (a.length() != params.length() || a.dataType() != params.dataType()) {
                throw new IllegalArgumentException(kernel + "'s buffers must share length and type: " + params.length() + " "
                        + params.dataType() + " vs " + a.length() + " " + a.dataType());
            }
        }
        if (params.dataType() != DataType.FLOAT && params.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(kernel + " runs on FLOAT or DOUBLE buffers, not " + params.dataType());
        }
    }
}
