package io.spindle.worker.collective;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts connections on a listening socket until closed. A connection whose hello names an expected,
 * not yet connected rank is admitted; anything else (garbage, a wrong secret, silence past the handshake
 * timeout, a duplicate) is dropped. Handshakes run concurrently, so a stranger cannot delay a real peer.
 */
final class HandshakeAcceptor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HandshakeAcceptor.class.getName());
    private static final int MAX_CONCURRENT_HANDSHAKES = 16;

    private final ServerSocketChannel server;
    private final Handshake handshake;
    private final int replyRank;
    private final long handshakeNanos;
    private final Map<Integer, CompletableFuture<TimedSocket>> admitted = new TreeMap<>();
    private final Set<Integer> claimed = ConcurrentHashMap.newKeySet();
    private final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor handshakes;
    private final AtomicInteger dropped = new AtomicInteger();
    private final Thread acceptThread;
    private volatile String lastDrop;
    private volatile boolean closed;

    private HandshakeAcceptor(ServerSocketChannel server, Handshake handshake, int replyRank,
                              Iterable<Integer> expectedRanks, long handshakeTimeoutMillis, String name) {
        this.server = server;
        this.handshake = handshake;
        this.replyRank = replyRank;
        this.handshakeNanos = TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMillis);
        for (int rank : expectedRanks) {
            admitted.put(rank, new CompletableFuture<>());
        }
        AtomicInteger threads = new AtomicInteger();
        this.handshakes = new ThreadPoolExecutor(0, MAX_CONCURRENT_HANDSHAKES, 1, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, name + "-handshake-" + threads.incrementAndGet()));
        this.acceptThread = daemon(this::acceptLoop, name + "-accept");
    }

    /**
     * Starts accepting on {@code server} (blocking mode) for {@code expectedRanks}; replies to admitted
     * callers with {@code replyRank}. Takes ownership of the server socket.
     */
    static HandshakeAcceptor start(ServerSocketChannel server, Handshake handshake, int replyRank,
                                   Iterable<Integer> expectedRanks, long handshakeTimeoutMillis, String name) {
        HandshakeAcceptor acceptor =
                new HandshakeAcceptor(server, handshake, replyRank, expectedRanks, handshakeTimeoutMillis, name);
        acceptor.acceptThread.start();
        return acceptor;
    }

    /** Waits until {@code rank} is admitted, at most until {@code deadlineNanos} (System.nanoTime). */
    TimedSocket await(int rank, String peer, long deadlineNanos, long timeoutMillis) {
        try {
            TimedSocket socket = admitted.get(rank).get(Math.max(0, deadlineNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            handedOut.add(rank);
            return socket;
        } catch (TimeoutException e) {
            throw new CollectiveException(peer + " did not connect within " + PeerFailures.seconds(timeoutMillis)
                    + dropSummary());
        } catch (ExecutionException e) {
            throw new CollectiveException("this rank's collective was closed while waiting for " + peer
                    + " to connect");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while waiting for " + peer + " to connect");
        }
    }

    /** The socket of {@code rank} if it has been admitted, else null; it is then the caller's to close. */
    TimedSocket poll(int rank) {
        CompletableFuture<TimedSocket> slot = admitted.get(rank);
        if (slot.isCompletedExceptionally()) {
            throw new CollectiveException("closed while waiting for rank " + rank + " to connect");
        }
        TimedSocket socket = slot.getNow(null);
        if (socket != null) {
            handedOut.add(rank);
        }
        return socket;
    }

    /** Waits, without a time limit, until any expected rank is admitted (or this acceptor is closed). */
    void awaitAny() {
        try {
            CompletableFuture.anyOf(admitted.values().toArray(new CompletableFuture<?>[0])).get();
        } catch (ExecutionException e) {
            throw new CollectiveException("closed while waiting for the first rank to connect");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while waiting for the first rank to connect");
        }
    }

    /** How many connections were dropped so far. */
    int droppedConnections() {
        return dropped.get();
    }

    @Override
    public void close() {
        closed = true;
        TimedSocket.closeQuietly(server);   // unblocks accept()
        handshakes.shutdownNow();
        for (Map.Entry<Integer, CompletableFuture<TimedSocket>> e : admitted.entrySet()) {
            CompletableFuture<TimedSocket> future = e.getValue();
            if (!future.completeExceptionally(new IllegalStateException("closed")) && !handedOut.contains(e.getKey())) {
                TimedSocket.closeQuietly(future.getNow(null));   // admitted but never taken: nobody else will close it
            }
        }
        try {
            acceptThread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed; no more connections are taken", e);
                }
                return;
            }
            try {
                handshakes.execute(() -> admit(channel));
            } catch (RejectedExecutionException e) {
                TimedSocket.closeQuietly(channel);
                drop(String.valueOf(remote(channel)), "too many handshakes in progress");
            }
        }
    }

    private void admit(SocketChannel channel) {
        String from = remote(channel);
        TimedSocket socket = null;
        try {
            socket = new TimedSocket(channel);
            long deadline = System.nanoTime() + handshakeNanos;
            ByteBuffer hello = ByteBuffer.allocate(Handshake.HELLO_BYTES);
            socket.readFully(hello, handshakeNanos, deadline);
            int rank = handshake.checkHello(hello.flip());
            CompletableFuture<TimedSocket> slot = admitted.get(rank);
            if (slot == null) {
                throw new Handshake.Rejected("rank " + rank + " is not expected here");
            }
            if (!claimed.add(rank)) {
                throw new Handshake.Rejected("rank " + rank + " is already connected");
            }
            try {
                socket.writeFully(handshakeNanos, handshake.reply(replyRank));
            } catch (IOException e) {
                claimed.remove(rank);
                throw e;
            }
            if (!slot.complete(socket)) {
                socket.close();   // closed meanwhile
            }
        } catch (Handshake.Rejected e) {
            close(socket, channel);
            drop(from, e.getMessage());
        } catch (SocketTimeoutException e) {
            close(socket, channel);
            drop(from, "no complete handshake within "
                    + PeerFailures.seconds(TimeUnit.NANOSECONDS.toMillis(handshakeNanos)));
        } catch (EOFException e) {
            close(socket, channel);
            drop(from, "closed the connection during the handshake");
        } catch (IOException | RuntimeException e) {
            close(socket, channel);
            drop(from, e.toString());
        }
    }

    private void drop(String from, String reason) {
        dropped.incrementAndGet();
        lastDrop = from + ": " + reason;
        if (!closed) {
            LOG.log(System.Logger.Level.DEBUG, "dropped connection from {0}: {1}", from, reason);
        }
    }

    /** "" or " (this rank dropped 3 incoming connections; last: /10.0.0.5:41234: wrong secret)". */
    String dropSummary() {
        int n = dropped.get();
        return n == 0 ? "" : " (this rank dropped " + n + " incoming connection" + (n == 1 ? "" : "s") + "; last: "
                + lastDrop + ")";
    }

    private static void close(TimedSocket socket, SocketChannel channel) {
        TimedSocket.closeQuietly(socket);
        TimedSocket.closeQuietly(channel);
    }

    private static String remote(SocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
