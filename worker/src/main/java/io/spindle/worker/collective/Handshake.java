package io.spindle.worker.collective;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The first bytes on every connection. The caller sends a 52-byte hello, big-endian:
 * {magic:8 ASCII, version:i32, secret:32, rank:i32, size:i32}; the callee checks every field and answers
 * with a 16-byte reply {magic:8, version:i32, calleeRank:i32}, or drops the connection.
 */
final class Handshake {

    static final String RING_MAGIC = "SPNDLRNG";
    static final String COORDINATOR_MAGIC = "SPNDLCRD";
    static final int VERSION = 1;
    static final int HELLO_BYTES = 8 + 4 + CollectiveOptions.SECRET_BYTES + 4 + 4;
    static final int REPLY_BYTES = 8 + 4 + 4;

    /** Why a hello or reply was not accepted. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private final byte[] magic;
    private final byte[] secret;
    private final int size;

    Handshake(String magic, byte[] secret, int size) {
        this.magic = magic.getBytes(StandardCharsets.US_ASCII);
        this.secret = secret.clone();
        this.size = size;
    }

    ByteBuffer hello(int rank) {
        ByteBuffer b = ByteBuffer.allocate(HELLO_BYTES);
        b.put(magic).putInt(VERSION).put(secret).putInt(rank).putInt(size);
        return b.flip();
    }

    /** Checks a complete hello and returns the caller's rank. */
    int checkHello(ByteBuffer hello) throws Rejected {
        checkMagicAndVersion(hello);
        byte[] presented = new byte[secret.length];
        hello.get(presented);
        if (!MessageDigest.isEqual(secret, presented)) {   // constant time: no timing hints about the secret
            throw new Rejected("wrong secret");
        }
        int rank = hello.getInt();
        int theirSize = hello.getInt();
        if (theirSize != size) {
            throw new Rejected("world size " + theirSize + " (expected " + size + ")");
        }
        if (rank < 0 || rank >= size) {
            throw new Rejected("rank " + rank + " out of range [0, " + size + ")");
        }
        return rank;
    }

    ByteBuffer reply(int rank) {
        ByteBuffer b = ByteBuffer.allocate(REPLY_BYTES);
        b.put(magic).putInt(VERSION).putInt(rank);
        return b.flip();
    }

    /**
     * Dials {@code target}, says hello as {@code rank} and waits for the reply from {@code expectedRank},
     * retrying refused or dropped attempts until {@code timeoutMillis} have passed, or refused ones only
     * for {@code refusedMillis}.
     */
    TimedSocket connect(HostPort target, int rank, int expectedRank, String peer, long timeoutMillis, long refusedMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String lastProblem = "no attempt finished";
        int dropped = 0;
        long refusedSince = -1;
        while (true) {
            // Peers listen before they publish their address, so a refusal that lasts means a wrong or blocked address.
            if (refusedSince >= 0 && System.nanoTime() - refusedSince > TimeUnit.MILLISECONDS.toNanos(refusedMillis)) {
                throw new CollectiveException("could not connect to " + peer + ": connection refused for "
                        + PeerFailures.seconds(refusedMillis) + " although it listens");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String why = dropped == 0 ? lastProblem : "it dropped our handshake " + dropped
                        + (dropped == 1 ? " time" : " times") + " (a different secret, world size or job?)";
                throw new CollectiveException("could not connect to " + peer + " within "
                        + PeerFailures.seconds(timeoutMillis) + ": " + why);
            }
            TimedSocket socket = null;
            try {
                socket = TimedSocket.connect(target.socketAddress(), TimeUnit.NANOSECONDS.toMillis(left));
                socket.writeFully(left, hello(rank));
                ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES);
                socket.readFully(reply, left, deadline);
                checkReply(reply.flip(), expectedRank);
                return socket;
            } catch (Rejected e) {
                TimedSocket.closeQuietly(socket);
                throw new CollectiveException(peer + " answered the handshake wrongly: " + e.getMessage());
            } catch (EOFException e) {
                TimedSocket.closeQuietly(socket);
                dropped++;
            } catch (IOException e) {
                TimedSocket.closeQuietly(socket);
                lastProblem = e instanceof SocketTimeoutException ? "no handshake reply"
                        : e instanceof ConnectException ? "connection refused" : e.toString();
                if (e instanceof ConnectException && refusedSince < 0) refusedSince = System.nanoTime();
            }
            pause(Math.min(50, TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime()))));
        }
    }

    private void checkReply(ByteBuffer reply, int expectedRank) throws Rejected {
        checkMagicAndVersion(reply);
        int rank = reply.getInt();
        if (rank != expectedRank) {
            throw new Rejected("it says it is rank " + rank);
        }
    }

    private void checkMagicAndVersion(ByteBuffer b) throws Rejected {
        byte[] theirs = new byte[magic.length];
        b.get(theirs);
        if (!Arrays.equals(magic, theirs)) {
            throw new Rejected("wrong magic");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new Rejected("protocol version " + version + " (this side speaks " + VERSION + ")");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while connecting");
        }
    }
}
