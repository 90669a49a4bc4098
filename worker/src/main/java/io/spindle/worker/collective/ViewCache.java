package io.spindle.worker.collective;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The [from, to) views of the few buffers a training loop passes to the collective step after step.
 * Creating an ND4J view costs about as much as copying a 100k-float chunk (shape information is built
 * and stored natively), and an in-JVM sharded step needs half a dozen of them; the buffers and spans
 * repeat every step, so the views are kept. One instance per rank; not for concurrent use.
 */
final class ViewCache {
    private static final int CAPACITY = 32;

    private record Key(INDArray array, long from, long to) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.array == array && k.from == from && k.to == to;   // identity, not contents
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(array) * 31 + Long.hashCode(from * 1_000_003L + to);
        }
    }

    private final Map<Key, INDArray> views = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, INDArray> eldest) {
            return size() > CAPACITY;
        }
    };

    INDArray of(INDArray array, long from, long to) {
        return views.computeIfAbsent(new Key(array, from, to), k -> array.get(NDArrayIndex.interval(from, to)));
    }
}
