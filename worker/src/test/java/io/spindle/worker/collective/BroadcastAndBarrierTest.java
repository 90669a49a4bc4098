package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Broadcast copies the root's exact bits everywhere (whatever the wire format); barrier holds everyone. */
class BroadcastAndBarrierTest {

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void broadcastFromANonZeroRootCopiesItsExactBits(Ranks.Kind kind) {
        // FLOAT16 must not touch broadcast: replicas have to start from identical parameters.
        CollectiveOptions options = Ranks.options().withChunkBytes(64).withWireFormat(WireFormat.FLOAT16);
        for (int n : new int[] {1, 2, 4}) {
            try (Ranks group = Ranks.open(kind, n, options)) {
                for (int root : new int[] {n - 1, n / 2}) {
                    float[] rootValues = Ranks.inputs(7, root, 3001);
                    List<INDArray> results = group.onAll(c -> {
                        INDArray buffer = Ranks.array(Ranks.inputs(7, c.rank(), 3001));
                        c.broadcast(buffer, root);
                        return buffer;
                    });
                    for (INDArray result : results) {
                        assertArrayEquals(rootValues, result.toFloatVector(), 0f, "root " + root + " of " + n);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void noRankLeavesTheBarrierBeforeTheLastOneArrives(Ranks.Kind kind) {
        for (int n : new int[] {1, 2, 4}) {
            try (Ranks group = Ranks.open(kind, n, Ranks.options())) {
                for (int round = 0; round < 2; round++) {
                    List<long[]> times = group.onAll(c -> {
                        sleep(40L * ((c.rank() + 1) % c.size()));   // the last to arrive differs per rank count
                        long arrived = System.nanoTime();
                        c.barrier();
                        return new long[] {arrived, System.nanoTime()};
                    });
                    long lastArrival = times.stream().mapToLong(t -> t[0]).max().orElseThrow();
                    for (long[] t : times) {
                        assertTrue(t[1] >= lastArrival, "a rank left the barrier before the last one arrived");
                    }
                }
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
