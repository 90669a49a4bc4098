package io.spindle.driver.spark;

import io.spindle.core.io.RawValues;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;

/**
 * The driver's end of the progress channel. A connection must open with "SPNDLMET" and the job's
 * 32-byte secret within five seconds or it is dropped; then messages are a type byte and
 * big-endian fields: STEP (int epoch, int step, int steps, double loss, double samples/s),
 * EPOCH_END (int epoch, 6 doubles: loss, accuracy, samples/s, seconds, learning rate, collective seconds; int n + n floats params, int m + m floats state, long iteration;
 * the floats as raw little-endian values),
 * CHECKPOINT (int epoch, int step, 3 doubles epoch totals; the same params, state and iteration), BYE.
 */
final class MetricsServer implements AutoCloseable {

    /** What the coordinator does with each message; runs on the server's thread. */
    interface Listener {
        void step(int epoch, int step, int steps, double loss, double samplesPerSecond);

        /** Returns false to stop training after this epoch. */
        boolean epochEnd(int epoch, double[] figures, INDArray params, INDArray optimizerState, long iteration);

        /** A mid-epoch checkpoint: training would resume at {@code start}. */
        void checkpoint(io.spindle.worker.StartPoint start, INDArray params, INDArray optimizerState, long iteration);
    }

    private final ServerSocket server;
    private final byte[] secret;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Throwable failure;

    private final int readTimeoutMillis;
    private final Runnable onFailure;

    /** {@code onFailure} runs (on the server thread) when the listener throws, e.g. to cancel the stage. */
    private final boolean answers;

    /** {@code answers}: reply go/stop to each epoch end (early stopping); the client waits for it then. */
    MetricsServer(String advertisedHost, byte[] secret, Listener listener, boolean answers, int readTimeoutMillis,
                  Runnable onFailure) throws IOException {
        this.answers = answers;
        this.readTimeoutMillis = readTimeoutMillis;
        this.onFailure = onFailure;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(0));
        this.secret = secret.clone();
        this.listener = listener;
        this.advertised = advertisedHost + ":" + server.getLocalPort();
        this.thread = new Thread(this::serve, "spindle-metrics-server");
        thread.setDaemon(true);
        thread.start();
    }

    private final String advertised;

    String address() {
        return advertised;
    }

    /** A listener exception (e.g. a failed validation), if one happened. */
    Throwable failure() {
        return failure;
    }

    private void serve() {
        while (!closed) {
            try (Socket s = server.accept()) {
                connection = s;
                s.setSoTimeout(5_000);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                if (!authenticated(in)) continue;
                // Rank 0 speaks at least once per step; silence this long means it is gone.
                s.setSoTimeout(readTimeoutMillis);
                try {
                    readMessages(in, s.getOutputStream());
                } finally {
                    // Rank 0 said BYE or its connection broke (a killed executor): either way nothing more will come.
                    finished.countDown();
                }
            } catch (IOException e) {
                // A stranger, a dropped connection or our own close: keep serving until closed.
            } catch (Throwable e) {
                failure = e;
                onFailure.run();
            }
        }
    }

    private volatile Socket connection;
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

    /**
     * Waits until rank 0's messages have all been handled (it said BYE or its connection ended): the driver
     * validates the last epoch, or writes the last checkpoint, while the stage may already have returned.
     */
    void awaitFinished(long timeoutMillis) throws InterruptedException {
        finished.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private boolean authenticated(DataInputStream in) {
        try {
            byte[] magic = new byte[MetricsClient.MAGIC.length];
            byte[] key = new byte[secret.length];
            in.readFully(magic);
            in.readFully(key);
            return MessageDigest.isEqual(magic, MetricsClient.MAGIC) && MessageDigest.isEqual(key, secret);
        } catch (SocketTimeoutException | EOFException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private void readMessages(DataInputStream in, java.io.OutputStream reply) throws IOException {
        while (true) {
            int type = in.read();
            if (type < 0 || type == MetricsClient.BYE) return;
            if (type == MetricsClient.STEP) {
                listener.step(in.readInt(), in.readInt(), in.readInt(), in.readDouble(), in.readDouble());
            } else if (type == MetricsClient.EPOCH_END) {
                int epoch = in.readInt();
                double[] figures = new double[6];
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
                return;   // not our protocol: drop the connection
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
        try {
            server.close();
            Socket c = connection;
            if (c != null) c.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
