package io.spindle.worker.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.stream.IntStream;

/**
 * The hub of the star transport, for clusters whose executors cannot reach each other: it runs on the
 * driver, every rank connects to it with {@link CoordinatorAllReduce}, and it averages, broadcasts and
 * synchronises for them. Serves one job (one set of ranks) until closed or until a rank fails.
 */
public final class CoordinatorServer implements AutoCloseable {

    private final HostPort address;
    private final HandshakeAcceptor acceptor;
    private final CoordinatorSession session;
    private final Thread thread;

    private CoordinatorServer(HostPort address, HandshakeAcceptor acceptor, CoordinatorSession session) {
        this.address = address;
        this.acceptor = acceptor;
        this.session = session;
        this.thread = new Thread(session, "spindle-coordinator");
        this.thread.setDaemon(true);
    }

    /** Listens on every interface (ephemeral port) and advertises this host's address. */
    public static CoordinatorServer start(int size, CollectiveOptions options) {
        return start(size, new InetSocketAddress(0).getAddress(), options);
    }

    /** Listens on {@code bindAddress} (ephemeral port) for {@code size} ranks. */
    public static CoordinatorServer start(int size, InetAddress bindAddress, CollectiveOptions options) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            TimedSocket.sizeBuffers(server);
            server.bind(new InetSocketAddress(bindAddress, 0), 64);
            HostPort address = HostPort.advertised(bindAddress,
                    ((InetSocketAddress) server.getLocalAddress()).getPort());
            Handshake handshake = new Handshake(Handshake.COORDINATOR_MAGIC, options.secret(), size);
            HandshakeAcceptor acceptor = HandshakeAcceptor.start(server, handshake, -1,
                    IntStream.range(0, size).boxed().toList(), options.handshakeTimeoutMillis(), "spindle-coordinator");
            CoordinatorServer coordinator =
                    new CoordinatorServer(address, acceptor, new CoordinatorSession(size, options, acceptor));
            coordinator.thread.start();
            return coordinator;
        } catch (IOException e) {
            TimedSocket.closeQuietly(server);
            throw new UncheckedIOException("the coordinator could not listen on " + bindAddress, e);
        }
    }

    /** "host:port" for the ranks to dial. */
    public String address() {
        return address.toString();
    }

    /** The failure that ended the session (a rank died, went silent, or disagreed), or null. */
    public CollectiveException failure() {
        return session.failure();
    }

    /** How many strangers' connections were dropped. */
    int droppedConnections() {
        return acceptor.droppedConnections();
    }

    @Override
    public void close() {
        session.close();
        acceptor.close();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
