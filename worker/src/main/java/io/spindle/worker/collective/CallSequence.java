package io.spindle.worker.collective;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Numbers one rank's calls and remembers what ended them: a collective that failed once stays failed. Calls come
 * one at a time: a second thread that calls while another's call is in flight is refused.
 */
final class CallSequence {

    private final AtomicReference<Thread> inFlight = new AtomicReference<>();

    private int last;
    private CollectiveException failure;
    private volatile boolean closed;

    /** The header for this rank's next call; throws if the collective is closed or failed earlier. */
    OpHeader next(Operation op, WireFormat format, long count, int root, int pieceValues) {
        if (closed) {
            throw new CollectiveException("this rank's collective is closed");
        }
        if (failure != null) {
            throw new CollectiveException("the collective failed earlier and cannot be used: " + failure.getMessage(),
                    failure);
        }
        return new OpHeader(op, format, ++last, count, root, pieceValues);
    }

    /** Marks {@code op} in flight on the calling thread; throws if another thread's call is. */
    void enter(Operation op) {
        Thread caller = Thread.currentThread();
        if (!inFlight.compareAndSet(null, caller)) {
            Thread other = inFlight.get();
            throw new IllegalStateException(op + " called on thread '" + caller.getName() + "' while "
                    + (other == null ? "another thread's call" : "a call on thread '" + other.getName() + "'")
                    + " is in flight: a rank's collective takes one call at a time");
        }
    }

    /** Ends the call the calling thread entered. */
    void exit() {
        inFlight.compareAndSet(Thread.currentThread(), null);
    }

    /** The thread whose call is in flight, or null. */
    Thread inFlight() {
        return inFlight.get();
    }

    void failed(CollectiveException e) {
        if (failure == null) {
            failure = e;
        }
    }

    boolean hasFailed() {
        return failure != null;
    }

    /** Marks the collective closed; true the first time only. */
    synchronized boolean close() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }
}
