package io.spindle.worker.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes frames to one peer on a dedicated thread, so a rank can keep receiving while it sends (a ring
 * whose ranks all send before they receive would deadlock on full socket buffers). Payloads are
 * produced lazily on this thread, right before they are written. While an operation is in progress
 * and nothing is queued, it sends keep-alives, so peers further along know this rank is alive.
 */
final class FrameSender implements AutoCloseable {

    private static final byte FLUSH = 0;
    private static final Runnable NOTHING = () -> { };
    private static final Supplier<ByteBuffer> EMPTY = () -> ByteBuffer.allocate(0);

    private record Task(byte type, Supplier<ByteBuffer> payload, Runnable done, CompletableFuture<Void> flushed) {
    }

    private final TimedSocket socket;
    private final String peer;
    private final long timeoutMillis;
    private final long idleNanos;
    private final long keepAliveMillis;
    private final boolean keepAlives;
    private final Consumer<CollectiveException> onFailure;
    private final LinkedBlockingDeque<Task> queue = new LinkedBlockingDeque<>();
    private final ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
    private final Task stop = new Task(FLUSH, EMPTY, NOTHING, null);
    private final Task wake = new Task(FLUSH, EMPTY, NOTHING, null);
    private final Thread thread;
    private volatile Operation current;
    private volatile String abortReason;
    private volatile CollectiveException failure;

    private FrameSender(TimedSocket socket, String peer, long timeoutMillis, String threadName, boolean keepAlives,
                        Consumer<CollectiveException> onFailure) {
        this.socket = socket;
        this.peer = peer;
        this.timeoutMillis = timeoutMillis;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.keepAliveMillis = Math.max(10, Math.min(timeoutMillis / 4, 5_000));
        this.keepAlives = keepAlives;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the sender thread. {@code keepAlives}: whether idle time during an operation is filled with
     * keep-alives (needed where this rank can be stuck waiting on a third party before it sends).
     * {@code onFailure} hears, once and on the sender thread, when a write fails.
     */
    static FrameSender start(TimedSocket socket, String peer, long timeoutMillis, String threadName,
                             boolean keepAlives, Consumer<CollectiveException> onFailure) {
        FrameSender sender = new FrameSender(socket, peer, timeoutMillis, threadName, keepAlives, onFailure);
        sender.thread.start();
        return sender;
    }

    /**
     * Runs one operation of the rank this sender belongs to: keep-alives fill idle time meanwhile, and on
     * failure the peer is told why (so the news travels on) before the exception is rethrown.
     */
    void guard(Operation op, int rank, Runnable body) {
        begin(op);
        try {
            body.run();
        } catch (CollectiveException e) {
            abort(e.rootCause());
            throw e;
        } catch (RuntimeException e) {
            CollectiveException failure =
                    new CollectiveException("rank " + rank + " failed " + op.during() + ": " + e, e);
            abort(failure.rootCause());
            throw failure;
        } finally {
            end();
        }
    }

    /** An operation starts: from now on idle time is filled with keep-alives. */
    void begin(Operation op) {
        current = op;
    }

    /** The operation is over: silence is normal again. */
    void end() {
        current = null;
    }

    void sendOpHeader(OpHeader h) {
        queue.add(new Task(Frames.OP_HEADER, h::encode, NOTHING, null));
    }

    /** Queues a DATA frame; {@code done} runs once it was written or discarded, whichever happens. */
    void sendData(Supplier<ByteBuffer> payload, Runnable done) {
        queue.add(new Task(Frames.DATA, payload, done, null));
    }

    /** Queues an empty DATA frame: a token that means "done". */
    void sendToken() {
        queue.add(new Task(Frames.DATA, EMPTY, NOTHING, null));
    }

    /** Waits until everything queued so far is written; throws the failure that stopped it otherwise. */
    void flush() {
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        queue.add(new Task(FLUSH, EMPTY, NOTHING, flushed));
        while (true) {
            try {
                flushed.get(100, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                throw (CollectiveException) e.getCause();
            } catch (TimeoutException e) {
                if (!thread.isAlive()) {
                    throw stoppedReason();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectiveException("interrupted while sending to " + peer);
            }
        }
    }

    /** Sends an ABORT frame with {@code reason} after the frame being written now, and drops everything else. */
    void abort(String reason) {
        if (abortReason == null) {
            abortReason = reason;
        }
        queue.offerFirst(wake);
    }

    /** Stops the thread, giving a pending abort up to {@code graceMillis} to go out. The socket stays open. */
    void stop(long graceMillis) {
        queue.offerFirst(stop);
        join(graceMillis);
    }

    /** Waits for the thread after its socket was closed (which unblocks any write). */
    @Override
    public void close() {
        queue.offerFirst(stop);
        join(1_000);
    }

    private void join(long millis) {
        if (millis <= 0) {
            return;   // Thread.join(0) would wait forever
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        boolean abortSent = false;
        try {
            while (true) {
                Task task = queue.poll(keepAliveMillis, TimeUnit.MILLISECONDS);
                String abort = abortReason;
                if (abort != null && !abortSent) {
                    abortSent = true;
                    writeAbort(abort);
                }
                if (task == stop) {
                    return;
                }
                if (task == null) {
                    if (keepAlives && current != null && abort == null && failure == null) {
                        write(Frames.KEEPALIVE, EMPTY);
                    }
                } else if (abort != null || failure != null) {
                    discard(task);
                } else if (task.type == FLUSH) {
                    if (task.flushed != null) {
                        task.flushed.complete(null);
                    }
                } else {
                    try {
                        write(task.type, task.payload);
                    } finally {
                        task.done.run();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Task task = queue.poll(); task != null; task = queue.poll()) {
                discard(task);
            }
        }
    }

    private void write(byte type, Supplier<ByteBuffer> payload) {
        Operation op = current == null ? Operation.IDLE : current;
        try {
            ByteBuffer body = payload.get();
            socket.writeFully(idleNanos, Frames.header(header, type, body.remaining()), body);
        } catch (IOException e) {
            fail(PeerFailures.writing(e, peer, op, timeoutMillis));
        } catch (RuntimeException e) {
            fail(new CollectiveException("could not prepare data for " + peer + " " + op.during() + ": " + e, e));
        }
    }

    private void writeAbort(String reason) {
        if (failure != null) {
            return;
        }
        try {
            ByteBuffer body = Frames.abortPayload(reason);
            socket.writeFully(idleNanos, Frames.header(header, Frames.ABORT, body.remaining()), body);
        } catch (IOException | RuntimeException e) {
            // the peer is gone too; it will learn from its own side
        }
    }

    private void fail(CollectiveException e) {
        if (failure == null) {
            failure = e;
            onFailure.accept(e);
        }
    }

    private void discard(Task task) {
        task.done.run();
        if (task.flushed != null) {
            task.flushed.completeExceptionally(stoppedReason());
        }
    }

    private CollectiveException stoppedReason() {
        if (failure != null) {
            return failure;
        }
        if (abortReason != null) {
            return new CollectiveException("this rank gave up: " + abortReason);
        }
        return new CollectiveException("this rank's collective was closed (sending to " + peer + ")");
    }
}
