package io.spindle.driver.spark;

import io.spindle.core.NativeRuntime;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.StartPoint;
import io.spindle.worker.collective.CollectiveOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The driver's progress channel on real sockets: strangers cannot delay rank 0, and a channel that ends early is reported. */
class MetricsServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @BeforeAll
    static void nd4j() {
        NativeRuntime.configure();
    }

    /** Records what the coordinator would act on. */
    private static final class Recorder implements MetricsServer.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void step(int epoch, int step, int steps, double loss, double samplesPerSecond) {
            events.add("step " + epoch + "." + step);
        }

        @Override
        public boolean epochEnd(int epoch, double[] figures, INDArray params, INDArray optimizerState, long iteration) {
            events.add("epoch " + epoch + " params " + params.length() + " at " + iteration);
            return true;
        }

        @Override
        public void checkpoint(StartPoint start, INDArray params, INDArray optimizerState, long iteration) {
            events.add("checkpoint at " + iteration);
        }
    }

    private static MetricsServer server(byte[] secret, Recorder r) throws IOException {
        return new MetricsServer(LOOPBACK, LOOPBACK.getHostAddress(), secret, r, false, 30_000, () -> { });
    }

    @Test
    void aFloodOfSilentConnectionsDoesNotDelayRankZero() throws Exception {
        byte[] secret = CollectiveOptions.newSecret();
        Recorder r = new Recorder();
        try (MetricsServer server = server(secret, r);
             SilentFlood flood = new SilentFlood(server.address(), 60)) {
            long start = System.nanoTime();
            try (MetricsClient client = MetricsClient.open(server.address(), secret, 10_000, false, 2)) {
                double openSeconds = (System.nanoTime() - start) / 1e9;
                // The handshake deadline is 5 s: a channel queued behind the strangers would take at least that long.
                assertTrue(openSeconds < 2, "opened in " + openSeconds + " s behind " + flood.opened() + " silent connections");
                INDArray params = Nd4j.linspace(1, 10, 10).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
                client.step(1, 1, 2, 2.3, 100);
                client.checkpoint(new StartPoint(1, 1, new double[3]), params, params, 1);
                client.step(1, 2, 2, 2.1, 100);
                client.epochEnd(new EpochStats(1, 2.1, 0.3, Double.NaN, Double.NaN, 100, 1, 0.01), 0.1, params, params, 2);
            }
            server.awaitFinished(10_000);
            assertEquals(List.of("step 1.1", "checkpoint at 1", "step 1.2", "epoch 1 params 10 at 2"), r.events);
            assertNull(server.problem(), "rank 0 said BYE after its last message");
            assertTrue(flood.opened() > 60, "the strangers were cut (and came back): " + flood.opened());
        }
    }

    @Test
    void aChannelThatEndsWithoutByeIsReportedWithWhatTheGateDropped() throws Exception {
        byte[] secret = CollectiveOptions.newSecret();
        Recorder r = new Recorder();
        try (MetricsServer server = server(secret, r)) {
            assertTrue(server.problem().startsWith("rank 0 never opened it"), server.problem());
            int colon = server.address().lastIndexOf(':');
            InetSocketAddress at = new InetSocketAddress(LOOPBACK, Integer.parseInt(server.address().substring(colon + 1)));
            try (Socket stranger = new Socket()) {
                stranger.connect(at);
                stranger.getOutputStream().write(new byte[40]);   // the right length, the wrong bytes
                assertEquals(-1, stranger.getInputStream().read(), "a wrong hello is cut");
            }
            try (Socket rank0 = new Socket()) {
                rank0.connect(at);
                DataOutputStream out = new DataOutputStream(rank0.getOutputStream());
                out.write(MetricsClient.MAGIC);
                out.write(secret);
                out.flush();
                assertEquals(MetricsClient.ACK, rank0.getInputStream().read());
                out.writeByte(MetricsClient.STEP);
                out.writeInt(1);
                out.writeInt(1);
                out.writeInt(4);
                out.writeDouble(2.3);
                out.writeDouble(100);
                out.flush();
            }   // closed without BYE: the network dropped it, or rank 0 went away
            server.awaitFinished(10_000);
            assertEquals(List.of("step 1.1"), r.events);
            String problem = server.problem();
            assertTrue(problem.startsWith("it ended before rank 0 said BYE"), problem);
            assertTrue(problem.contains("dropped 1 connection") && problem.contains("wrong protocol or secret"), problem);
        }
    }

    @Test
    void theListenerIsBoundToTheDriversAddressOnly() throws Exception {
        InetAddress other = null;
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) other = a;
            }
        }
        assumeTrue(other != null, "this machine has no address besides loopback");
        try (MetricsServer server = server(CollectiveOptions.newSecret(), new Recorder())) {
            int port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
            InetAddress elsewhere = other;
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(elsewhere, port), 2_000);
                }
            });
        }
    }

    @Test
    void rankZeroGivesUpWithTheAddressAfterItsRetries() {
        long start = System.nanoTime();
        // A port nobody listens on (the server is closed at once): every try is refused.
        int port;
        try (MetricsServer server = server(CollectiveOptions.newSecret(), new Recorder())) {
            port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String address = LOOPBACK.getHostAddress() + ":" + port;
        var e = assertThrows(java.io.UncheckedIOException.class, () -> MetricsClient.open(address, new byte[32], 1_000, false, 2));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().startsWith("cannot open the driver's progress channel at " + address) && e.getMessage().contains("tries"),
                e.getMessage());
        assertTrue(seconds >= 4 && seconds < 15, "retried for its budget, then stopped: " + seconds + " s");
    }
}
