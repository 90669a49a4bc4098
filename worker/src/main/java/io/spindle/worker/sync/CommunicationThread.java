package io.spindle.worker.sync;

import io.spindle.worker.collective.CollectiveException;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One rank's thread for collective calls that run while backward goes on: calls run one at a time in the order
 * submitted (every rank submits the same ones, so the collective's call order holds), and {@link #awaitAll} hands a
 * failure to the training thread as the {@link CollectiveException} it would have got calling itself. A daemon
 * thread, stopped by {@link #close}: it never outlives the worker.
 */
final class CommunicationThread implements AutoCloseable {
    private final ExecutorService thread;
    private final Queue<Future<?>> pending = new ArrayDeque<>();

    CommunicationThread(String name) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues {@code call} after those submitted before; the future says when it has run. */
    Future<?> submit(Runnable call) {
        Future<?> f = thread.submit(call);
        pending.add(f);
        return f;
    }

    /** Waits for every submitted call; rethrows the first failure. The collective's own timeouts bound the wait. */
    void awaitAll() {
        awaitThrough(null);
    }

    /**
     * Waits for the calls submitted up to and including {@code last} (all of them when null; nothing when it was
     * waited for already): they run in order, so those before it are done too. Rethrows the first failure.
     */
    void awaitThrough(Future<?> last) {
        if (last != null && !pending.contains(last)) return;
        try {
            while (!pending.isEmpty()) {
                Future<?> next = pending.peek();
                next.get();
                pending.poll();
                if (next == last) return;
            }
        } catch (ExecutionException e) {
            pending.clear();
            Throwable cause = e.getCause();
            if (cause instanceof CollectiveException c) throw c;
            if (cause instanceof RuntimeException r) throw r;
            throw new CollectiveException("the communication thread failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while waiting for the gradient buckets", e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
