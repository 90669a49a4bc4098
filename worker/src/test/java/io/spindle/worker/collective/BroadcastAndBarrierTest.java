package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Broadcast copies the root's exact bits everywhere (whatever the wire format); barrier holds everyone; one call at a time. */
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

    @Test
    void aSecondCallerWhileACallIsInFlightIsRefused() throws Exception {
        try (Ranks group = Ranks.ring(2, Ranks.options())) {
            RingAllReduce rank0 = (RingAllReduce) group.ranks.get(0);
            Thread first = new Thread(rank0::barrier, "first-caller");
            first.start();   // rank 1 has not arrived, so this call stays in flight
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (rank0.callInFlight() == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(first, rank0.callInFlight());
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> rank0.allReduceMean(Ranks.array(new float[] {1, 2, 3})));
            assertTrue(refused.getMessage().contains("'first-caller'") && refused.getMessage().contains("one call at a time"),
                    refused.getMessage());
            group.ranks.get(1).barrier();   // releases the first call, which still completes
            first.join(10_000);
            assertFalse(first.isAlive());
            assertNull(rank0.callInFlight());
            List<INDArray> results = group.onAll(c -> {
                INDArray buffer = Ranks.array(Ranks.inputs(3, c.rank(), 5));
                c.allReduceMean(buffer);
                return buffer;
            });
            assertArrayEquals(results.get(0).toFloatVector(), results.get(1).toFloatVector(), 0f,
                    "the refused call left the ring usable");
        }
    }
}
