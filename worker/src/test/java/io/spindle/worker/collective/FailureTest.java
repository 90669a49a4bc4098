package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dead rank, a silent rank and a rank making a different call: the others fail promptly with a
 * CollectiveException that names the culprit, never hang, and close() releases every thread.
 */
class FailureTest {

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aRankThatDiesFailsTheOthersFastAndIsNamed(Ranks.Kind kind) {
        // A long timeout: failing fast must come from noticing the dead connection, not from timing out.
        CollectiveOptions options = Ranks.options().withTimeoutMillis(30_000).withChunkBytes(4096);
        Ranks group = Ranks.open(kind, 3, options);
        List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Ranks.outcomes(3, r -> {
            Collective c = group.ranks.get(r);
            if (r == 1) {
                BroadcastAndBarrierTest.sleep(300);
                c.close();   // as a crashed executor would: its sockets go away
                return "closed";
            }
            c.allReduceMean(Ranks.array(Ranks.inputs(1, r, 100_003)));
            return "finished";
        }));
        assertFailedNaming(outcomes.get(0), peerName(group, 1));
        assertFailedNaming(outcomes.get(2), peerName(group, 1));
        assertTimeoutPreemptively(Duration.ofSeconds(5), group::close);
        assertNoThreadsLeft();
    }

    /**
     * A rank that fails on its own (not in the collective) abandons it: the rank after it on the ring hears why, with the
     * failed rank's own words, before the connection closes; whichever error reaches the driver then says what happened.
     */
    @org.junit.jupiter.api.Test
    void aRankThatAbandonsTellsThePeersWhy() {
        CollectiveOptions options = Ranks.options().withTimeoutMillis(30_000).withChunkBytes(4096);
        for (int n : new int[] {2, 3}) {
            Ranks group = Ranks.open(Ranks.Kind.RING, n, options);
            List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Ranks.outcomes(n, r -> {
                Collective c = group.ranks.get(r);
                if (r == 1) {
                    BroadcastAndBarrierTest.sleep(300);
                    c.abandon("rank 1 failed: java.lang.IllegalStateException: its data file is corrupt");
                    c.close();
                    return "abandoned";
                }
                c.allReduceMean(Ranks.array(Ranks.inputs(1, r, 100_003)));
                return "finished";
            }));
            Object next = outcomes.get((1 + 1) % n);
            assertFailedNaming(next, peerName(group, 1));
            assertTrue(((CollectiveException) next).getMessage().contains("IllegalStateException: its data file is corrupt"),
                    ((CollectiveException) next).getMessage());
            assertTimeoutPreemptively(Duration.ofSeconds(5), group::close);
        }
        assertNoThreadsLeft();
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aSilentRankTimesOutTheOthersAfterTheTimeoutAndIsNamed(Ranks.Kind kind) {
        CollectiveOptions options = Ranks.options().withTimeoutMillis(1_000);
        CountDownLatch othersGaveUp = new CountDownLatch(2);
        try (Ranks group = Ranks.open(kind, 3, options)) {
            List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(8), () -> Ranks.outcomes(3, r -> {
                Collective c = group.ranks.get(r);
                INDArray input = Ranks.array(Ranks.inputs(1, r, 1000));   // before the clock: ND4J may still be loading
                long start = System.nanoTime();
                try {
                    if (r == 1) {
                        othersGaveUp.await(5, TimeUnit.SECONDS);   // alive, but too late for this all-reduce
                    }
                    c.allReduceMean(input);
                    return "finished";
                } catch (CollectiveException e) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (r != 1) {
                        assertTrue(seconds >= 0.9 && seconds < 3.0, "rank " + r + " failed after " + seconds + " s");
                    }
                    return e;
                } catch (InterruptedException e) {
                    return e;
                } finally {
                    othersGaveUp.countDown();
                }
            }));
            assertFailedNaming(outcomes.get(0), peerName(group, 1));
            assertFailedNaming(outcomes.get(2), peerName(group, 1));
            // The late rank learns from the others that the collective is gone.
            assertFailedNaming(outcomes.get(1), peerName(group, 1));
        }
        assertNoThreadsLeft();
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void ranksMakingDifferentCallsAllFailWithBothCallsNamed(Ranks.Kind kind) {
        try (Ranks group = Ranks.open(kind, 3, Ranks.options())) {
            List<Object> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Ranks.outcomes(3, r -> {
                Collective c = group.ranks.get(r);
                INDArray buffer = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 10);
                if (r == 2) {
                    c.broadcast(buffer, 0);
                } else {
                    c.allReduceMean(buffer);
                }
                return "finished";
            }));
            for (Object outcome : outcomes) {
                CollectiveException e = assertInstanceOf(CollectiveException.class, outcome);
                        assertTrue(e.getMessage().contains("broadcast #1") && e.getMessage().contains("all-reduce #1"),
                        e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void ranksClosingAfterTheirLastCallIsNotAFailure(Ranks.Kind kind) {
        Ranks group = Ranks.open(kind, 3, Ranks.options());
        AllReduceMeanTest.checkOnce(group, 100, 1);
        for (Collective c : group.ranks) {
            c.close();
        }
        BroadcastAndBarrierTest.sleep(100);
        if (group.server != null) {
            assertNull(group.server.failure(), () -> group.server.failure().getMessage());
        }
        group.close();
        assertNoThreadsLeft();
    }

    /** How the failure message must name rank {@code r} for this transport. */
    static String peerName(Ranks group, int r) {
        return switch (group.kind) {
            case IN_JVM -> "rank " + r + " (in-JVM)";
            case RING -> "rank " + r + " (" + group.addresses.get(r) + ")";
            case COORDINATOR -> "rank " + r + " (127.0.0.1:";   // the port is the rank's own, ephemeral
        };
    }

    private static void assertFailedNaming(Object outcome, String peer) {
        CollectiveException e = assertInstanceOf(CollectiveException.class, outcome, String.valueOf(outcome));
        assertTrue(e.getMessage().contains(peer), "'" + e.getMessage() + "' does not name " + peer);
    }

    /** Every sender, acceptor, handshake and coordinator thread ends soon after close(). */
    static void assertNoThreadsLeft() {
        long deadline = System.nanoTime() + 3_000_000_000L;
        List<String> alive;
        do {
            alive = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("spindle-")).map(Thread::getName).toList();
            if (alive.isEmpty()) {
                return;
            }
            BroadcastAndBarrierTest.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads still running after close(): " + alive);
    }
}
