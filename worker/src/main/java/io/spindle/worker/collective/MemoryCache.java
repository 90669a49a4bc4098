package io.spindle.worker.collective;

import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory ({@link Memory#of}) of the few buffers a training loop passes to the collective step after step:
 * the parameters and gradients of every rank. Making one costs allocations a step should not pay, and the
 * buffers repeat, so they are kept; a buffer seen once (a copy made for a view) is dropped when the cache fills.
 * One instance per rank; not for concurrent use.
 */
final class MemoryCache {
    private static final int CAPACITY = 32;

    private final Map<INDArray, ByteBuffer> memories = new IdentityHashMap<>();

    ByteBuffer of(INDArray array) {
        ByteBuffer memory = memories.get(array);
        if (memory == null) {
            if (memories.size() >= CAPACITY) memories.clear();
            memory = Memory.of(array);
            memories.put(array, memory);
        }
        return memory;
    }
}
