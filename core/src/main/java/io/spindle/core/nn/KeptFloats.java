package io.spindle.core.nn;

import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * The float memory of the array last asked for, made again only when another array comes: a layer's inputs, outputs
 * and parameter views are the same arrays step after step, so a kernel allocates no buffer objects per step.
 * Holds the array, which owns the memory, as long as it holds its buffer.
 */
final class KeptFloats {
    private INDArray array;
    private FloatBuffer floats;

    /** {@code a}'s elements ({@link Memory#of}), index 0 at its first. */
    FloatBuffer of(INDArray a) {
        if (a != array) {
            floats = Memory.of(a).asFloatBuffer();
            array = a;
        }
        return floats;
    }
}
