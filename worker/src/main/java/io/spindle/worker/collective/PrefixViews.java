package io.spindle.worker.collective;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The first {@code n} values of one kept allocation, as views built once per length: pieces and buckets come in a few
 * recurring lengths, and a fresh view (or a fresh array) per call would be garbage, or page faults, on every step.
 */
final class PrefixViews {
    private final INDArray array;
    private final Map<Long, INDArray> views = new HashMap<>();

    PrefixViews(INDArray array) {
        this.array = array;
    }

    INDArray array() {
        return array;
    }

    /** {@code array[0, n)}: the array itself, or its kept view of that length. */
    INDArray first(long n) {
        return n == array.length() ? array : views.computeIfAbsent(n, len -> array.get(NDArrayIndex.interval(0, len)));
    }
}
