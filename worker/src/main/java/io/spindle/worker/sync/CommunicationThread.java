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

    void submit(Runnable call) {
        pending.add(thread.submit(call));
    }

    /** Waits for every submitted call; rethrows the first failure. The collective's own timeouts bound the wait. */
    void awaitAll() {
        try {
            while (!pending.isEmpty()) {
                pending.peek().get();
                pending.poll();
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
