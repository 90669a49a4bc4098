package io.spindle.worker.collective;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP connection used in non-blocking mode behind blocking-style reads and writes, so that every
 * read and write can give up after a stretch without progress (SO_TIMEOUT does not apply to channels).
 * One thread may read while another writes.
 */
final class TimedSocket implements AutoCloseable {

    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final String remote;
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private volatile CollectiveException interruption;   // reads only

    TimedSocket(SocketChannel channel) throws IOException {
        this.channel = channel;
        Selector forReads = null;
        Selector forWrites = null;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            forReads = Selector.open();
            forWrites = Selector.open();
            channel.register(forReads, SelectionKey.OP_READ);
            channel.register(forWrites, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            closeQuietly(forReads);
            closeQuietly(forWrites);
            closeQuietly(channel);
            throw e;
        }
        this.readSelector = forReads;
        this.writeSelector = forWrites;
        this.remote = describe(channel);
    }

    /** Socket buffers that hold a whole piece, so a piece moves in one wake-up rather than several (set before connecting). */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;

    static void sizeBuffers(java.nio.channels.NetworkChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        if (channel instanceof SocketChannel) channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
    }

    /** Dials {@code address}, waiting at most {@code timeoutMillis} for the TCP connection. */
    static TimedSocket connect(InetSocketAddress address, long timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            sizeBuffers(channel);
            channel.socket().connect(address, (int) Math.max(1, Math.min(timeoutMillis, Integer.MAX_VALUE)));
            return new TimedSocket(channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Fills {@code dst}. Fails with EOFException if the peer closes, SocketTimeoutException after
     * {@code idleNanos} without a byte or past {@code deadlineNanos} (a System.nanoTime value, or NO_DEADLINE).
     */
    void readFully(ByteBuffer dst, long idleNanos, long deadlineNanos) throws IOException {
        long lastProgress = System.nanoTime();
        while (dst.hasRemaining()) {
            int n = channel.read(dst);
            if (n < 0) {
                throw new EOFException("end of stream");
            }
            if (n > 0) {
                bytesRead.add(n);
                lastProgress = System.nanoTime();
                // A short read emptied the socket: asking again at once would only return nothing, a wasted system call.
                if (dst.hasRemaining() && interruption == null) {
                    await(readSelector, lastProgress, idleNanos, deadlineNanos);
                }
            } else {
                // Only once nothing is left to read: a peer's abort frame, already here, explains more
                // than the failure that interrupted us.
                throwIfInterrupted();
                await(readSelector, lastProgress, idleNanos, deadlineNanos);
            }
        }
    }

    /** Writes all of {@code srcs}; SocketTimeoutException after {@code idleNanos} in which the peer took nothing. */
    void writeFully(long idleNanos, ByteBuffer... srcs) throws IOException {
        long lastProgress = System.nanoTime();
        while (anyRemaining(srcs)) {
            long n = channel.write(srcs);
            if (n > 0) {
                bytesWritten.add(n);
                lastProgress = System.nanoTime();
                // A short write filled the socket's buffer: wait for room rather than try again at once.
                if (anyRemaining(srcs)) {
                    await(writeSelector, lastProgress, idleNanos, NO_DEADLINE);
                }
            } else {
                await(writeSelector, lastProgress, idleNanos, NO_DEADLINE);
            }
        }
    }

    /**
     * Makes the current and every later read throw {@code cause} once no received bytes are left: wakes a
     * reader blocked here when the failure happened elsewhere. Writes go on, so an abort can still be sent.
     */
    void interruptReads(CollectiveException cause) {
        if (interruption == null) {
            interruption = cause;
        }
        readSelector.wakeup();
    }

    /** Also reports readiness to read to {@code selector}, tagged with {@code attachment}. */
    void watchReads(Selector selector, Object attachment) throws IOException {
        channel.register(selector, SelectionKey.OP_READ, attachment);
    }

    /** The peer's address as this socket sees it. */
    String remoteAddress() {
        return remote;
    }

    long bytesRead() {
        return bytesRead.sum();
    }

    long bytesWritten() {
        return bytesWritten.sum();
    }

    @Override
    public void close() {
        closeQuietly(channel);
        closeQuietly(readSelector);   // wakes a thread blocked in select on it
        closeQuietly(writeSelector);
    }

    private void await(Selector selector, long lastProgress, long idleNanos, long deadlineNanos) throws IOException {
        long now = System.nanoTime();
        long left = idleNanos - (now - lastProgress);
        if (deadlineNanos != NO_DEADLINE) {
            left = Math.min(left, deadlineNanos - now);
        }
        if (left <= 0) {
            throw new SocketTimeoutException("no progress");
        }
        try {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        }
    }

    private void throwIfInterrupted() {
        CollectiveException cause = interruption;
        if (cause != null) {
            throw cause;
        }
    }

    private static boolean anyRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    private static String describe(SocketChannel channel) {
        try {
            InetSocketAddress a = (InetSocketAddress) channel.getRemoteAddress();
            return a == null ? "unconnected" : new HostPort(a.getAddress().getHostAddress(), a.getPort()).toString();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing is best effort: the peer sees the connection go either way
            }
        }
    }
}
