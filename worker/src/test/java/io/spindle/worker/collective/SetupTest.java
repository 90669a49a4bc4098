package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Forming a ring or a star: options validation, a neighbour that never shows up, a rank with a wrong secret. */
class SetupTest {

    @Test
    void optionsAreValidatedNamingTheFieldAndNeverPrintTheSecret() {
        CollectiveOptions o = Ranks.options();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.withTimeoutMillis(0)).getMessage()
                .startsWith("timeoutMillis"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.withChunkBytes(2)).getMessage()
                .startsWith("chunkBytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CollectiveOptions.defaults(new byte[16]))
                .getMessage().startsWith("secret must be 32 bytes"));
        assertFalse(o.toString().contains("90"), o.toString());   // 0x5a = 90: no secret byte leaks
        byte[] leaked = o.secret();
        leaked[0] = 1;
        assertEquals(0x5a, o.secret()[0], "the record hands out copies of its secret");
        assertEquals(o, CollectiveOptions.defaults(Ranks.secret()).withTimeoutMillis(10_000)
                .withHandshakeTimeoutMillis(500));
        assertEquals(32, CollectiveOptions.newSecret().length);
    }

    @Test
    void chunksCoverTheBufferOnceInOrderEvenWithFewerValuesThanRanks() {
        for (long n : new long[] {0, 1, 4, 10007}) {
            for (int parts = 1; parts <= 5; parts++) {
                long next = 0;
                for (int c = 0; c < parts; c++) {
                    for (Partition.Span piece : new Partition(n, parts, 7).pieces(c)) {
                        assertEquals(next, piece.offset());
                        assertTrue(piece.length() >= 1 && piece.length() <= 7);
                        next = piece.end();
                    }
                }
                assertEquals(n, next);
            }
        }
    }

    @Test
    void aNeighbourThatNeverConnectsFailsSetupWithinTheTimeoutNamingIt() {
        CollectiveOptions options = Ranks.options().withTimeoutMillis(500);
        List<RingAllReduce.Endpoint> endpoints = IntStream.range(0, 3)
                .mapToObj(r -> RingAllReduce.listen(r, Ranks.LOOPBACK)).toList();
        List<String> addresses = endpoints.stream().map(RingAllReduce.Endpoint::address).toList();
        try {
            // Rank 2 listens but never joins: rank 1 cannot finish its handshake, rank 0 never hears from 2.
            List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Ranks.outcomes(2,
                    r -> RingAllReduce.connect(endpoints.get(r), addresses, options)));
            String rank2 = "rank 2 (" + addresses.get(2) + ")";
            assertTrue(message(outcomes.get(1)).startsWith("could not connect to " + rank2 + " within 0.5 s: no handshake reply"),
                    message(outcomes.get(1)));
            assertTrue(message(outcomes.get(0)).startsWith(rank2 + " did not connect within 0.5 s"),
                    message(outcomes.get(0)));
        } finally {
            endpoints.forEach(RingAllReduce.Endpoint::close);
        }
        FailureTest.assertNoThreadsLeft();
    }

    @Test
    void anUnreachablePeerFailsWithinSecondsAndSuggestsTheCoordinatorTransport() throws Exception {
        // A long step timeout, but a port nobody listens on: refusals end setup after the handshake timeout.
        CollectiveOptions options = Ranks.options().withTimeoutMillis(60_000);
        RingAllReduce.Endpoint self = RingAllReduce.listen(0, Ranks.LOOPBACK);
        String closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, Ranks.LOOPBACK)) {
            closed = Ranks.LOOPBACK.getHostAddress() + ":" + s.getLocalPort();
        }
        try {
            long start = System.nanoTime();
            CollectiveException e = org.junit.jupiter.api.Assertions.assertThrows(CollectiveException.class,
                    () -> RingAllReduce.connect(self, List.of(self.address(), closed), options));
            assertTrue((System.nanoTime() - start) / 1e9 < 5, "within seconds, not the 60 s step timeout");
            assertTrue(e.getMessage().contains("connection refused") && e.getMessage().contains("training.transport=coordinator"), e.getMessage());
        } finally {
            self.close();
        }
        FailureTest.assertNoThreadsLeft();
    }

    @Test
    void aRankWithTheWrongSecretIsRefusedAndTheReasonShows() {
        CollectiveOptions options = Ranks.options().withTimeoutMillis(500);
        byte[] other = Ranks.secret();
        other[0] = 0;
        CollectiveOptions wrong = CollectiveOptions.defaults(other).withTimeoutMillis(500);
        List<RingAllReduce.Endpoint> endpoints = IntStream.range(0, 2)
                .mapToObj(r -> RingAllReduce.listen(r, Ranks.LOOPBACK)).toList();
        List<String> addresses = endpoints.stream().map(RingAllReduce.Endpoint::address).toList();
        List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Ranks.outcomes(2,
                r -> RingAllReduce.connect(endpoints.get(r), addresses, r == 0 ? options : wrong)));
        assertTrue(message(outcomes.get(1)).contains("rank 0 (" + addresses.get(0) + ") within 0.5 s: it dropped our"
                + " handshake"), message(outcomes.get(1)));
        assertTrue(message(outcomes.get(1)).contains("wrong secret"), message(outcomes.get(1)));
        assertTrue(message(outcomes.get(0)).contains("wrong secret"), message(outcomes.get(0)));
        FailureTest.assertNoThreadsLeft();
    }

    @Test
    void aCoordinatorRankThatNeverConnectsIsNamed() {
        CollectiveOptions options = Ranks.options().withTimeoutMillis(500);
        try (CoordinatorServer server = CoordinatorServer.start(2, Ranks.LOOPBACK, options);
             Collective rank0 = CoordinatorAllReduce.connect(server.address(), 0, 2, options)) {
            CollectiveException e = assertThrows(CollectiveException.class, () -> assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> rank0.allReduceMean(Ranks.array(new float[] {1, 2}))));
            assertEquals("coordinator (" + server.address() + ") aborted the all-reduce: rank 1 did not connect"
                    + " within 0.5 s", e.getMessage());
        }
        FailureTest.assertNoThreadsLeft();
    }

    @Test
    void ranksWithDifferentOptionsFailAtTheFirstCallNamingBoth() {
        CollectiveOptions half = Ranks.options().withWireFormat(WireFormat.FLOAT16);
        List<RingAllReduce.Endpoint> endpoints = IntStream.range(0, 2)
                .mapToObj(r -> RingAllReduce.listen(r, Ranks.LOOPBACK)).toList();
        List<String> addresses = endpoints.stream().map(RingAllReduce.Endpoint::address).toList();
        List<Collective> ring = Ranks.inParallel(2,
                r -> RingAllReduce.connect(endpoints.get(r), addresses, r == 0 ? half : Ranks.options()));
        try (Ranks group = new Ranks(Ranks.Kind.RING, ring, addresses, null)) {
            List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Ranks.outcomes(2, r -> {
                group.ranks.get(r).allReduceMean(Ranks.array(new float[10]));
                return "finished";
            }));
            // Whichever rank reads the other's header first reports; the other may hear it as an abort.
            for (Object outcome : outcomes) {
                String m = message(outcome);
                assertTrue(m.contains("rank 0 (" + addresses.get(0) + ")") && m.contains("rank 1 (" + addresses.get(1)
                        + ")") && m.contains("all-reduce #1 of 10 values (FLOAT16, pieces of 524288)")
                        && m.contains("all-reduce #1 of 10 values (FLOAT32, pieces of 262144)"), m);
            }
        }
        try (CoordinatorServer server = CoordinatorServer.start(1, Ranks.LOOPBACK, Ranks.options());
             Collective rank0 = CoordinatorAllReduce.connect(server.address(), 0, 1, half)) {
            CollectiveException e = assertThrows(CollectiveException.class,
                    () -> rank0.allReduceMean(Ranks.array(new float[10])));
            assertTrue(e.getMessage().contains("but the coordinator is in all-reduce #1 of 10 values (FLOAT32"),
                    e.getMessage());
        }
    }

    private static String message(Object outcome) {
        return assertInstanceOf(CollectiveException.class, outcome, String.valueOf(outcome)).getMessage();
    }
}
