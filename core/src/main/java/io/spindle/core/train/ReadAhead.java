package io.spindle.core.train;

/**
 * One thread that gathers a batch while its caller trains on the one before. Rows mapped from a spool file come from
 * the page cache, or from the disk when the cache has dropped them; either way the copy waits on memory or on I/O,
 * and here it waits off the training thread. One read at a time; nothing is allocated per read.
 */
final class ReadAhead implements AutoCloseable {
    private final Thread thread;
    private BatchBuffers into;   // the read in flight; guarded by this
    private int[] order;
    private int index = -1, from, size;
    private boolean busy, closed;
    private Throwable failure;

    ReadAhead() {
        thread = new Thread(this::serve, "spindle-read-ahead");
        thread.setDaemon(true);   // a caller that never closes its sampler does not keep the JVM alive
        thread.start();
    }

    /** Starts gathering the rows {@code order[from + i]}, i in [0, size), into {@code into}'s prepared arrays as batch {@code index}. */
    synchronized void start(int index, BatchBuffers into, int[] order, int from, int size) {
        if (busy) throw new IllegalStateException("a read is already in flight");
        this.into = into;
        this.order = order;
        this.index = index;
        this.from = from;
        this.size = size;
        busy = true;
        notifyAll();
    }

    /**
     * Waits for the read in flight, if any; true when it gathered batch {@code index}. A failure of the read is thrown
     * here, on the caller's thread, as it was thrown there.
     */
    synchronized boolean await(int index) {
        boolean interrupted = false;
        while (busy) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;   // the read ends soon; its buffers must not be reused before it does
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        boolean match = into != null && this.index == index;
        into = null;
        this.order = null;
        if (failure != null) {
            Throwable f = failure;
            failure = null;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error err) throw err;
            throw new IllegalStateException("reading the next batch failed", f);
        }
        return match;
    }

    private void serve() {
        while (true) {
            BatchBuffers target;
            int[] rows;
            int first, count;
            synchronized (this) {
                while (!busy && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                target = into;
                rows = order;
                first = from;
                count = size;
            }
            Throwable failed = null;
            try {
                target.gather(rows, first, count);
            } catch (Throwable t) {
                failed = t;
            }
            synchronized (this) {
                failure = failed;
                busy = false;
                notifyAll();
            }
        }
    }

    /** Ends the thread once the read in flight, if any, is done. */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
