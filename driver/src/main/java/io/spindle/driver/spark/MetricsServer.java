package io.spindle.driver.spark;

import io.spindle.core.io.RawValues;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The driver's end of the progress channel. A {@link ProgressGate} admits the one connection that opens
 * with "SPNDLMET" and the job's 32-byte secret (strangers are cut after five seconds, never delaying it);
 * the driver answers ACK, then messages are a type byte and big-endian fields: STEP (int epoch, int step,
 * int steps, double loss, double samples/s),
 * EPOCH_END (int epoch, 6 doubles: loss, accuracy, samples/s, seconds, learning rate, collective seconds; int n + n floats params, int m + m floats state, long iteration;
 * the floats as raw little-endian values),
 * CHECKPOINT (int epoch, int step, 3 doubles epoch totals; the same params, state and iteration), BYE.
 * A channel that ends without BYE is {@link #problem() reported}: the run must not pass as complete.
 */
final class MetricsServer implements AutoCloseable {
    static final int HANDSHAKE_MILLIS = 5_000;
    /** Pending (not yet authenticated) connections one address, and all addresses, may hold. */
    static final int PENDING_PER_SOURCE = 8, PENDING_TOTAL = 64;

    /** What the coordinator does with each message; runs on the server's thread. */
    interface Listener {
        void step(int epoch, int step, int steps, double loss, double samplesPerSecond);

        /** Returns false to stop training after this epoch. */
        boolean epochEnd(int epoch, double[] figures, INDArray params, INDArray optimizerState, long iteration);

        /** A mid-epoch checkpoint: training would resume at {@code start}. */
        void checkpoint(io.spindle.worker.StartPoint start, INDArray params, INDArray optimizerState, long iteration);
    }

    private final ProgressGate gate;
    private final Listener listener;
    private final Thread thread;
    private final BlockingQueue<SocketChannel> admitted = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final int readTimeoutMillis;
    private final Runnable onFailure;
    private final boolean answers;
    private final String advertised;
    private volatile boolean closed, spoken, completed;
    private volatile Socket connection;
    private volatile Throwable failure;
    private volatile String ended;

    /**
     * Listens on {@code bind}, advertised to rank 0 as {@code advertisedHost}. {@code answers}: reply go/stop to each
     * epoch end (early stopping); the client waits for it then. {@code onFailure} runs (on the server thread) when
     * the listener throws, e.g. to cancel the stage.
     */
    MetricsServer(InetAddress bind, String advertisedHost, byte[] secret, Listener listener, boolean answers, int readTimeoutMillis,
                  Runnable onFailure) throws IOException {
        this.answers = answers;
        this.readTimeoutMillis = readTimeoutMillis;
        this.onFailure = onFailure;
        this.listener = listener;
        byte[] hello = new byte[MetricsClient.MAGIC.length + secret.length];
        System.arraycopy(MetricsClient.MAGIC, 0, hello, 0, MetricsClient.MAGIC.length);
        System.arraycopy(secret, 0, hello, MetricsClient.MAGIC.length, secret.length);
        this.gate = new ProgressGate(bind, hello, HANDSHAKE_MILLIS, PENDING_PER_SOURCE, PENDING_TOTAL, this::admit);
        this.advertised = advertisedHost + ":" + gate.port();
        this.thread = new Thread(this::serve, "spindle-metrics-server");
        thread.setDaemon(true);
        thread.start();
    }

    String address() {
        return advertised;
    }

    /** A listener exception (e.g. a failed validation), if one happened. */
    Throwable failure() {
        return failure;
    }

    /**
     * Null once rank 0 said BYE after its last message; else why the run's progress is incomplete (never opened,
     * or ended early), with what the gate dropped.
     */
    String problem() {
        if (completed) return null;
        String why = ended != null ? ended : connection == null ? "rank 0 never opened it" : "it is still open";
        return why + gate.dropSummary();
    }

    /** Called by the gate with an authenticated connection: rank 0's, or its retry when the first one never spoke. */
    private synchronized void admit(SocketChannel c) {
        Socket previous = connection;
        if (spoken || closed) {
            closeQuietly(c.socket());   // rank 0 is already talking (or we are done): a second channel is not ours
            return;
        }
        connection = c.socket();
        admitted.add(c);
        if (previous != null) closeQuietly(previous);
    }

    private void serve() {
        while (!closed) {
            Socket s;
            try {
                s = admitted.take().socket();
            } catch (InterruptedException e) {
                return;
            }
            if (s != connection) continue;   // replaced by a retry before we got to it
            try {
                OutputStream reply = s.getOutputStream();
                reply.write(MetricsClient.ACK);
                reply.flush();
                // Rank 0 speaks at least once per step; silence this long means it is gone.
                s.setSoTimeout(readTimeoutMillis);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                readMessages(in, reply);
                completed = true;
                finished.countDown();
                return;
            } catch (IOException e) {
                // Before its first message rank 0 may still retry on a new connection; after it, the channel is lost.
                if (spoken) {
                    ended = "it ended before rank 0 said BYE (" + e.getMessage() + ")";
                    finished.countDown();
                    return;
                }
            } catch (Throwable e) {
                failure = e;
                onFailure.run();
                finished.countDown();
                return;
            } finally {
                closeQuietly(s);
            }
        }
    }

    /**
     * Waits until rank 0's messages have all been handled (it said BYE or its connection ended): the driver
     * validates the last epoch, or writes the last checkpoint, while the stage may already have returned.
     */
    void awaitFinished(long timeoutMillis) throws InterruptedException {
        finished.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void readMessages(DataInputStream in, java.io.OutputStream reply) throws IOException {
        while (true) {
            int type = in.read();
            if (type < 0) throw new EOFException("the connection closed");
            spoken = true;
            if (type == MetricsClient.BYE) return;
            if (type == MetricsClient.STEP) {
                listener.step(in.readInt(), in.readInt(), in.readInt(), in.readDouble(), in.readDouble());
            } else if (type == MetricsClient.EPOCH_END) {
                int epoch = in.readInt();
                double[] figures = new double[8];
                for (int i = 0; i < figures.length; i++) figures[i] = in.readDouble();
                INDArray params = readValues(in, "parameters");
                INDArray state = readValues(in, "optimizer state");
                boolean go = listener.epochEnd(epoch, figures, params, state, in.readLong());
                if (answers) {
                    reply.write(go ? 1 : 0);
                    reply.flush();
                }
            } else if (type == MetricsClient.CHECKPOINT) {
                int epoch = in.readInt(), step = in.readInt();
                double[] totals = {in.readDouble(), in.readDouble(), in.readDouble()};
                INDArray params = readValues(in, "parameters");
                INDArray state = readValues(in, "optimizer state");
                listener.checkpoint(new io.spindle.worker.StartPoint(epoch, step, totals), params, state, in.readLong());
            } else {
                throw new IOException("an unknown message type " + type);
            }
        }
    }

    /** Straight into native memory, in 64 KiB pieces (see MetricsClient#writeValues: no megabyte heap arrays). */
    private static INDArray readValues(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 28)) throw new IOException("implausible array length " + n);
        return RawValues.read(in, DataType.FLOAT, n, what, "rank 0's progress channel");
    }

    @Override
    public void close() {
        closed = true;
        gate.close();
        Socket c = connection;
        if (c != null) closeQuietly(c);
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SocketChannel waiting : admitted) closeQuietly(waiting.socket());
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
