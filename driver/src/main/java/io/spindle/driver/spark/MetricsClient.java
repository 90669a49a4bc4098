package io.spindle.driver.spark;

import io.spindle.core.io.RawValues;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.StepReporter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

    private final Socket socket;
    private final DataOutputStream out;

    private final boolean awaitAnswer;
    private static final long FLUSH_NANOS = 20_000_000;
    private long lastFlush = System.nanoTime() - FLUSH_NANOS;

    /** With {@code awaitAnswer} (early stopping) epoch ends wait for the driver's go/stop; otherwise training never waits on the driver. */
    MetricsClient(String hostPort, byte[] secret, int timeoutMillis, boolean awaitAnswer) {
        this.awaitAnswer = awaitAnswer;
        try {
            int colon = hostPort.lastIndexOf(':');
            socket = new Socket();
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            out.write(MAGIC);
            out.write(secret);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the driver's progress channel at " + hostPort + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void step(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        // Every step is written (33 bytes; after a failure the coordinator counts the steps to redo from
        // them) but sent at most every FLUSH_NANOS and at the epoch's last step: a send per step woke the
        // driver's reader hundreds of times a second, taking a core from a worker each time.
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
            for (double v : new double[] {s.trainLoss(), s.trainAccuracy(), s.samplesPerSecond(), s.seconds(), s.learningRate(), collectiveSeconds}) {
                out.writeDouble(v);
            }
            writeValues(params);
            writeValues(optimizerState);
            out.writeLong(iteration);
            out.flush();
            if (!awaitAnswer) return true;
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
     * generation; each such allocation could start a concurrent marking cycle, whose thread took ~10% of a core
     * from the two workers of a 2-core machine.
     */
    private void writeValues(INDArray values) throws IOException {
        out.writeInt(Math.toIntExact(values.length()));
        RawValues.write(values, out);
    }

    @Override
    public void close() {
        try {
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
