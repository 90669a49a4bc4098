package io.spindle.driver.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The listening side of the driver's progress channel: reads every pending connection's hello at once
 * (one selector, a deadline each), so no number of silent strangers delays rank 0. A source holds at
 * most {@code perSource} pending connections and the gate {@code total}; past either cap the oldest
 * pending one is closed, never the newcomer, so a flood cannot lock the real caller out.
 */
final class ProgressGate implements AutoCloseable {
    private static final int ACCEPTS_PER_ROUND = 16;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final byte[] hello;
    private final long handshakeNanos;
    private final int perSource, total;
    private final Consumer<SocketChannel> admitted;
    private final Thread thread;
    /** Pending connections, oldest first (insertion order). */
    private final LinkedHashSet<Pending> pending = new LinkedHashSet<>();
    private final Map<InetAddress, ArrayDeque<Pending>> bySource = new HashMap<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile String lastDrop = "";
    private volatile boolean closed;

    /** A connection whose hello is still being read; identity equality (its buffer changes). */
    private static final class Pending {
        final SocketChannel channel;
        final InetAddress source;
        final long deadline;
        final ByteBuffer hello;
        SelectionKey key;

        Pending(SocketChannel channel, InetAddress source, long deadline, int helloBytes) {
            this.channel = channel;
            this.source = source;
            this.deadline = deadline;
            this.hello = ByteBuffer.allocate(helloBytes);
        }
    }

    /**
     * Listens on {@code bind} (an ephemeral port); a connection that sends exactly {@code hello} within
     * {@code handshakeMillis} goes, in blocking mode, to {@code admitted} (on the gate's thread: keep it quick).
     */
    ProgressGate(InetAddress bind, byte[] hello, long handshakeMillis, int perSource, int total,
                 Consumer<SocketChannel> admitted) throws IOException {
        this.hello = hello.clone();
        this.handshakeNanos = TimeUnit.MILLISECONDS.toNanos(handshakeMillis);
        this.perSource = perSource;
        this.total = total;
        this.admitted = admitted;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(bind, 0), 128);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw new IOException("cannot listen for rank 0's progress channel on " + bind.getHostAddress() + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::serve, "spindle-progress-gate");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    /** "" or " (the driver dropped N connections to its progress port; last: ADDRESS: REASON)". */
    String dropSummary() {
        int n = dropped.get();
        return n == 0 ? "" : " (the driver dropped " + n + " connection" + (n == 1 ? "" : "s") + " to its progress port; last: " + lastDrop + ")";
    }

    private void serve() {
        List<SocketChannel> ready = new ArrayList<>();
        while (!closed) {
            try {
                long wait = pending.isEmpty() ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(pending.iterator().next().deadline - System.nanoTime()) + 1);
                selector.select(key -> handle(key, ready), wait);
                expire();
                while (!ready.isEmpty()) {
                    // Cancelled keys leave the selector at its next select; only then may a channel block again.
                    selector.selectNow(key -> handle(key, ready));
                    for (SocketChannel c : List.copyOf(ready)) {
                        ready.remove(c);
                        handOver(c);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) lastDrop = "the gate itself: " + e;
            }
        }
    }

    private void handle(SelectionKey key, List<SocketChannel> ready) {
        if (!key.isValid()) return;   // dropped earlier in this round
        if (key.isAcceptable()) {
            acceptSome(ready);
        } else if (key.isReadable()) {
            read((Pending) key.attachment(), ready);
        }
    }

    private void read(Pending p, List<SocketChannel> ready) {
        if (!pending.contains(p)) return;   // dropped meanwhile
        try {
            if (p.channel.read(p.hello) < 0) {
                drop(p, "closed the connection during the handshake");
            } else if (!p.hello.hasRemaining()) {
                forget(p);
                p.key.cancel();
                if (MessageDigest.isEqual(p.hello.array(), hello)) ready.add(p.channel);
                else drop(p, "wrong protocol or secret");
            }
        } catch (IOException e) {
            drop(p, e.toString());
        }
    }

    /**
     * Accepts what is waiting, a bounded number at a time, and reads each hello at once where it has arrived:
     * a burst queued behind rank 0 cannot evict it before its hello is read.
     */
    private void acceptSome(List<SocketChannel> ready) {
        try {
            SocketChannel c;
            for (int n = 0; n < ACCEPTS_PER_ROUND && (c = server.accept()) != null; n++) {
                InetAddress source = ((InetSocketAddress) c.getRemoteAddress()).getAddress();
                c.configureBlocking(false);
                Pending p = new Pending(c, source, System.nanoTime() + handshakeNanos, hello.length);
                p.key = c.register(selector, SelectionKey.OP_READ, p);
                pending.add(p);
                ArrayDeque<Pending> mine = bySource.computeIfAbsent(source, s -> new ArrayDeque<>());
                mine.addLast(p);
                if (mine.size() > perSource) drop(mine.peekFirst(), "more than " + perSource + " pending connections from one address");
                if (pending.size() > total) drop(pending.iterator().next(), "more than " + total + " pending connections");
                read(p, ready);
            }
        } catch (IOException e) {
            if (!closed) lastDrop = "accept: " + e;
        }
    }

    private void expire() {
        long now = System.nanoTime();
        for (Pending p : List.copyOf(pending)) {
            if (p.deadline - now > 0) break;   // oldest first: the rest are younger
            drop(p, "no complete handshake within " + TimeUnit.NANOSECONDS.toMillis(handshakeNanos) + " ms");
        }
    }

    private void handOver(SocketChannel c) {
        try {
            c.configureBlocking(true);
            admitted.accept(c);
        } catch (IOException | RuntimeException e) {
            closeQuietly(c);
            lastDrop = "handing over: " + e;
        }
    }

    private void drop(Pending p, String reason) {
        forget(p);
        if (p.key != null) p.key.cancel();
        closeQuietly(p.channel);
        dropped.incrementAndGet();
        lastDrop = p.source.getHostAddress() + ": " + reason;
    }

    private void forget(Pending p) {
        pending.remove(p);
        ArrayDeque<Pending> mine = bySource.get(p.source);
        if (mine != null) {
            mine.remove(p);
            if (mine.isEmpty()) bySource.remove(p.source);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // a connection we give up on
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p : List.copyOf(pending)) closeQuietly(p.channel);
        closeQuietly(server);
        closeQuietly(selector);
    }
}
