package io.spindle.driver.spark;

import io.spindle.core.io.RawValues;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.StepReporter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Rank 0's side of the progress channel to the driver: a socket that opens with the job's secret,
 * then carries framed step and epoch-end messages (see {@link MetricsServer} for the format).
 */
final class MetricsClient implements StepReporter, AutoCloseable {
    static final byte[] MAGIC = "SPNDLMET".getBytes(StandardCharsets.US_ASCII);
    static final byte STEP = 1, EPOCH_END = 2, BYE = 3, CHECKPOINT = 4;
    /** The driver's answer to an accepted hello. */
    static final byte ACK = 'K';
    /** For tests only: rank 0 of a job's first attempt goes silent from this global step on, then closes without BYE. */
    static final String CUT_PROPERTY = "spindle.test.cut_progress";
    private static final int ACK_MILLIS = 5_000;

    private final Socket socket;
    private DataOutputStream out;

    private final boolean awaitAnswer;
    private final long cutAt;
    private boolean cut;
    private static final long FLUSH_NANOS = 20_000_000;
    private long lastFlush = System.nanoTime() - FLUSH_NANOS;

    private MetricsClient(Socket socket, boolean awaitAnswer, long cutAt) throws IOException {
        this.socket = socket;
        this.awaitAnswer = awaitAnswer;
        this.cutAt = cutAt;
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    }

    /**
     * Opens the channel before training starts: connects, sends the hello and waits for the driver's ACK, trying
     * again (with a growing pause) for half of {@code timeoutMillis} (the peers wait the whole timeout for rank 0's first
     * step, and a failure here should be the one reported). With {@code awaitAnswer} (early stopping)
     * epoch ends wait for the driver's go/stop; otherwise training never waits on the driver.
     */
    static MetricsClient open(String hostPort, byte[] secret, int timeoutMillis, boolean awaitAnswer, int attempt) {
        String cut = System.getProperty(CUT_PROPERTY);
        long cutAt = cut != null && attempt == 1 ? Long.parseLong(cut) : 0;
        long budget = Math.max(timeoutMillis / 2, ACK_MILLIS);
        long deadline = System.nanoTime() + budget * 1_000_000L;
        long pause = 100;
        for (int tries = 1; ; tries++) {
            try {
                return new MetricsClient(connect(hostPort, secret, timeoutMillis), awaitAnswer, cutAt);
            } catch (IOException e) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new UncheckedIOException("cannot open the driver's progress channel at " + hostPort + " (" + tries
                             + " tries in " + budget / 1000 + " s; last: " + e.getMessage() + ")", e);
                }
                try {
                    Thread.sleep(Math.min(pause, left));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException("interrupted while opening the driver's progress channel", e);
                }
                pause = Math.min(2 * pause, 2_000);
            }
        }
    }

    private static Socket connect(String hostPort, byte[] secret, int timeoutMillis) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                    Math.min(timeoutMillis, ACK_MILLIS));
            socket.setSoTimeout(Math.min(timeoutMillis, ACK_MILLIS));
            OutputStream o = socket.getOutputStream();
            o.write(MAGIC);
            o.write(secret);
            o.flush();
            int ack = socket.getInputStream().read();
            if (ack != ACK) throw new IOException(ack < 0 ? "the driver closed the connection instead of accepting it" : "an unexpected answer " + ack);
            socket.setSoTimeout(timeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The test hook: from {@link #CUT_PROPERTY}'s step on, nothing reaches the driver any more. */
    private void maybeCut(long globalStep) {
        if (cutAt > 0 && !cut && globalStep >= cutAt) {
            cut = true;
            out = new DataOutputStream(OutputStream.nullOutputStream());
        }
    }

    @Override
    public void step(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        // Every step is written (33 bytes; after a failure the coordinator counts the steps to redo from
        // them) but sent at most every FLUSH_NANOS and at the epoch's last step: a send per step woke the
        // driver's reader hundreds of times a second, taking a core from a worker each time.
        maybeCut((long) (epoch - 1) * steps + step);
        try {
            out.writeByte(STEP);
            out.writeInt(epoch);
            out.writeInt(step);
            out.writeInt(steps);
            out.writeDouble(loss);
            out.writeDouble(samplesPerSecond);
            long now = System.nanoTime();
            if (step == steps || now - lastFlush >= FLUSH_NANOS) {
                out.flush();
                lastFlush = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lost the driver's progress channel: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean epochEnd(EpochStats s, double collectiveSeconds, INDArray params, INDArray optimizerState, long iteration) {
        try {
            out.writeByte(EPOCH_END);
            out.writeInt(s.epoch());
            for (double v : new double[] {s.trainLoss(), s.trainAccuracy(), s.samplesPerSecond(), s.seconds(), s.learningRate(), collectiveSeconds,
                    s.validationLoss(), s.validationAccuracy()}) {
                out.writeDouble(v);
            }
            writeValues(params);
            writeValues(optimizerState);
            out.writeLong(iteration);
            out.flush();
            if (!awaitAnswer || cut) return true;
            // The driver answers 1 (go on) or 0 (stop: early stopping) once it has looked at the epoch.
            int answer = socket.getInputStream().read();
            if (answer < 0) throw new IOException("the driver closed the progress channel");
            return answer == 1;
        } catch (IOException e) {
            throw new UncheckedIOException("lost the driver's progress channel: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkpoint(io.spindle.worker.StartPoint start, INDArray params, INDArray optimizerState, long iteration) {
        try {
            out.writeByte(CHECKPOINT);
            out.writeInt(start.epoch());
            out.writeInt(start.step());
            for (double v : start.totals()) out.writeDouble(v);
            writeValues(params);
            writeValues(optimizerState);
            out.writeLong(iteration);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("lost the driver's progress channel: " + e.getMessage(), e);
        }
    }

    /**
     * The count, then the values' memory as raw little-endian floats in 64 KiB pieces. Copying parameters and
     * Adam's state to heap arrays made megabyte arrays every epoch, which G1 allocates outside the young
     * generation; each such allocation could start a concurrent marking cycle, whose thread took CPU from the
     * workers of a small machine.
     */
    private void writeValues(INDArray values) throws IOException {
        out.writeInt(Math.toIntExact(values.length()));
        RawValues.write(values, out);
    }

    @Override
    public void close() {
        try {
            if (cut) return;   // (the finally closes the socket without a BYE)
            out.writeByte(BYE);
            out.flush();
        } catch (IOException ignored) {
            // the driver may already be gone; nothing left to tell it
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }
}
