package io.spindle.core.nn;

import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A time-major work array [T, B, X] of a recurrent layer with its per-step [B, X] views, made once
 * per batch shape: each step's slice is contiguous, so a step's GEMM writes straight into it, and
 * the whole array is one [T·B, X] matrix for the GEMMs that cover all steps at once.
 */
final class TimeSteps {
    private final INDArray all;
    private final INDArray[] steps;
    private ByteBuffer memory;

    private TimeSteps(INDArray all) {
        this.all = all;
        this.steps = new INDArray[(int) all.size(0)];
        for (int t = 0; t < steps.length; t++) steps[t] = all.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** {@code current} when it already has this type and shape, else a new (uninitialised) one. */
    static TimeSteps reuse(TimeSteps current, DataType type, long time, long batch, long width) {
        INDArray a = Buffers.reuse(current == null ? null : current.all, type, time, batch, width);
        return current != null && a == current.all ? current : new TimeSteps(a);
    }

    /** All steps' memory, for the Java kernels ({@link Memory#of}), made at first use. */
    ByteBuffer memory() {
        if (memory == null) memory = Memory.of(all);
        return memory;
    }

    /** All steps, [T, B, X]. */
    INDArray all() {
        return all;
    }

    /** All steps as one matrix [T·B, X] (a view). */
    INDArray flat() {
        return all.reshape('c', all.size(0) * all.size(1), all.size(2));
    }

    /** Step t, [B, X] (a contiguous view). */
    INDArray at(int t) {
        return steps[t];
    }

    /** Columns [from, to) of every step, [T, B, to − from]: a strided view, made per call. */
    INDArray columns(long from, long to) {
        return all.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    /** Columns [from, to) of step t, [B, to − from]: a strided view, made per call. */
    INDArray columns(int t, long from, long to) {
        return steps[t].get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    /** Steps [from, to), [to − from, B, X] (a contiguous view). */
    INDArray steps(long from, long to) {
        return all.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Steps [from, to) as one matrix [(to − from)·B, X] (a contiguous view). */
    INDArray stepsFlat(long from, long to) {
        return steps(from, to).reshape('c', (to - from) * all.size(1), all.size(2));
    }
}
