package io.spindle.worker.collective;

import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The flat float32 array an operation works on: the caller's buffer itself when it is a rank-1 array over
 * contiguous memory (a whole flat buffer or a window of one), else a copy written back at the end. Its native memory
 * can then be sent and received without copies.
 */
final class WorkBuffer {

    /** ByteBuffer positions are ints, so one buffer holds fewer than 2^31 bytes. */
    static final long MAX_VALUES = (Integer.MAX_VALUE - 8) / 4;

    private final INDArray caller;
    private final INDArray array;
    private ByteBuffer memory;

    private WorkBuffer(INDArray caller, INDArray array) {
        this.caller = caller;
        this.array = array;
    }

    static WorkBuffer of(INDArray buffer) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer must not be null");
        }
        if (buffer.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("buffer must be FLOAT, got " + buffer.dataType());
        }
        if (buffer.length() > MAX_VALUES) {
            throw new IllegalArgumentException("buffer has " + buffer.length() + " values; at most " + MAX_VALUES);
        }
        if (buffer.isEmpty()) {
            return new WorkBuffer(buffer, buffer);
        }
        // A whole flat buffer, or a window of one (a gradient bucket): contiguous, and its memory is its own
        // (Memory.of), so copying it in and out would only cost two fresh allocations of the bucket per call.
        if (buffer.rank() == 1 && Memory.isContiguous(buffer)) {
            return new WorkBuffer(buffer, buffer);
        }
        INDArray copy = Nd4j.createUninitialized(DataType.FLOAT, buffer.length());
        copy.assign(buffer.dup('c').reshape(new long[] {buffer.length()}));
        return new WorkBuffer(buffer, copy);
    }

    INDArray array() {
        return array;
    }

    long length() {
        return array.length();
    }

    /** The elements of {@code span} as an ND4J view, for native arithmetic. */
    INDArray view(Partition.Span span) {
        return array.get(NDArrayIndex.interval(span.offset(), span.end()));
    }

    /**
     * All of the array's memory in native order, for the Java loops; absolute indexes only, as ranks of the
     * in-JVM collective read one another's. Made once per operation (about half a microsecond), so nothing
     * outlives the call that published it.
     */
    synchronized ByteBuffer memory() {
        if (memory == null) memory = Memory.of(array);
        return memory;
    }

    /**
     * The raw little-endian bytes of {@code span}, for sending or receiving in place: a fresh cursor over
     * {@link #memory()}, since senders and readers move its position.
     */
    ByteBuffer bytes(Partition.Span span) {
        ByteBuffer all = memory().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        all.limit((int) (span.end() * 4)).position((int) (span.offset() * 4));
        return all;
    }

    /** Copies the result into the caller's buffer if this was a copy. */
    void writeBack() {
        if (array != caller) {
            caller.assign(array.reshape(caller.shape()));
        }
    }
}
