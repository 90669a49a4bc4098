package io.spindle.worker.collective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the ranks of one {@link InJvmCollective} share: a rendezvous that times out naming the ranks that
 * did not arrive, the buffers published for the current operation, and the shared all-reduce result.
 * Once broken (a timeout, a disagreement, a rank closed) every later call fails.
 */
final class InJvmGroup {

    private final int size;
    private final long timeoutMillis;
    private final WorkBuffer[] published;
    /**
     * The buffers of the operation all ranks last met at, copied from {@link #published} by the last to arrive.
     * A rank that finished its part may publish its next call's buffer before the others are done reading,
     * so readers look here; this changes only when every rank has arrived again.
     */
    private final WorkBuffer[] current;
    private final OpHeader[] headers;
    private final boolean[] arrived;
    /**
     * How long a rank spins, then yields, before it sleeps. A peer on another core usually arrives within
     * microseconds, while waking a sleeping thread takes tens of them — hundreds on a VM, whose idle vCPU
     * halts — and a training step makes two of these rendezvous. Yielding keeps the core awake but gives
     * it to any other runnable thread (the driver, a GC thread, a rank without a core of its own).
     */
    private static final long SPIN_NANOS = 50_000;
    private static final long YIELD_NANOS = 2_000_000;
    /**
     * Per rank: whether its last wait outlasted the yield window. Then the peers it waits for are doing something long
     * (a hierarchical group's leader on the network ring, a rank without a core), and yielding again would burn a core
     * for nothing: such a rank sleeps right after the spin until a wait is short again (adaptive spinning).
     */
    private final boolean[] waitsLong;

    private INDArray shared;   // the one buffer all ranks may train in place of their own copies (sharedBuffer)

    private int arrivals;
    private volatile long generation;    // read without the lock while spinning
    private INDArray result;            // the current all-reduce's shared result: a prefix of resultStorage
    private PrefixViews resultStorage;
    private volatile String brokenReason;

    InJvmGroup(int size, long timeoutMillis) {
        this.size = size;
        this.timeoutMillis = timeoutMillis;
        this.published = new WorkBuffer[size];
        this.current = new WorkBuffer[size];
        this.headers = new OpHeader[size];
        this.arrived = new boolean[size];
        this.waitsLong = new boolean[size];
    }

    int size() {
        return size;
    }

    /** Publishes this rank's call and buffer and waits for all ranks; fails if they made different calls. */
    void start(int rank, OpHeader header, WorkBuffer work) {
        synchronized (this) {
            published[rank] = work;
            headers[rank] = header;
        }
        arrive(rank, header, "reach", this::checkCallsAndPrepare);
    }

    /** Waits until every rank has finished reading the others' buffers. */
    void finish(int rank, OpHeader header) {
        arrive(rank, header, "finish", () -> { });
    }

    /** Rank {@code rank}'s buffer in the operation the ranks last met at. */
    synchronized WorkBuffer published(int rank) {
        return current[rank];
    }

    /** The buffer every rank gets for this type and length; the first caller makes it, zeroed. */
    synchronized INDArray shared(DataType type, long length) {
        if (shared == null) {
            shared = Nd4j.zeros(type, length);
        } else if (shared.dataType() != type || shared.length() != length) {
            breakGroup("ranks asked for different shared buffers: " + shared.dataType() + " x " + shared.length()
                    + " and " + type + " x " + length);
            throwIfBroken();
        }
        return shared;
    }

    /** The array all ranks reduce into during the current all-reduce. */
    synchronized INDArray result() {
        return result;
    }

    /** Marks a rank closed; ranks waiting for it, now or later, fail at once instead of timing out. */
    synchronized void close(int rank) {
        breakGroup("rank " + rank + " (in-JVM) closed the collective");
    }

    /** Runs under the lock, by the last rank to arrive, before anyone is released. */
    private void checkCallsAndPrepare() {
        for (int r = 1; r < size; r++) {
            headers[0].requireSame(headers[r], "rank " + r + " (in-JVM)", "rank 0 (in-JVM)");
        }
        System.arraycopy(published, 0, current, 0, size);
        long n = headers[0].count();
        Operation op = headers[0].op();
        if (op == Operation.ALL_REDUCE && n > 0 && (result == null || result.length() != n)) {
            // Buckets of several lengths take turns: keep the longest allocation and view its first n values,
            // instead of a fresh array (and its page faults) whenever the length changes.
            if (resultStorage == null || resultStorage.array().length() < n) {
                resultStorage = new PrefixViews(Nd4j.createUninitialized(DataType.FLOAT, n));
            }
            result = resultStorage.first(n);
        }
    }

    private void arrive(int rank, OpHeader header, String verb, Runnable lastArrival) {
        long myGeneration = register(rank, lastArrival);
        if (myGeneration < 0) {
            return;
        }
        long now = System.nanoTime(), spinUntil = now + SPIN_NANOS, yieldUntil = waitsLong[rank] ? now : now + YIELD_NANOS;
        while (generation == myGeneration && brokenReason == null && System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        while (generation == myGeneration && brokenReason == null && System.nanoTime() < yieldUntil) {
            Thread.yield();
        }
        await(rank, header, verb, myGeneration);
        waitsLong[rank] = System.nanoTime() - now > YIELD_NANOS;   // only this rank's thread touches its entry
    }

    /** Counts this rank in; the last one runs {@code lastArrival}, releases everyone and gets -1. */
    private synchronized long register(int rank, Runnable lastArrival) {
        throwIfBroken();
        arrived[rank] = true;
        if (++arrivals == size) {
            try {
                lastArrival.run();
            } catch (CollectiveException e) {
                breakGroup(e.getMessage());
                throw e;
            }
            arrivals = 0;
            Arrays.fill(arrived, false);
            generation++;
            notifyAll();
            return -1;
        }
        return generation;
    }

    /** Sleeps until the generation moves on, the group breaks, or the timeout names the missing ranks. */
    private synchronized void await(int rank, OpHeader header, String verb, long myGeneration) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (generation == myGeneration) {
            throwIfBroken();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                breakGroup(missing() + " did not " + verb + " " + header.describe() + " within "
                        + PeerFailures.seconds(timeoutMillis));
                throwIfBroken();
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                breakGroup("rank " + rank + " (in-JVM) was interrupted " + header.op().during());
                throwIfBroken();
            }
        }
    }

    private void breakGroup(String reason) {
        if (brokenReason == null) {
            brokenReason = reason;
        }
        notifyAll();
    }

    private void throwIfBroken() {
        if (brokenReason != null) {
            throw new CollectiveException(brokenReason);
        }
    }

    private String missing() {
        List<String> ranks = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (!arrived[r]) {
                ranks.add(String.valueOf(r));
            }
        }
        return (ranks.size() == 1 ? "rank " : "ranks ") + String.join(", ", ranks) + " (in-JVM)";
    }
}
