package io.spindle.worker.collective;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Settings shared by every rank of one job; they travel to the executors inside the barrier task.
 *
 * @param timeoutMillis how long any blocking step may go without progress before it fails
 * @param chunkBytes the size of one pipelined piece on the wire
 * @param wireFormat how all-reduce values travel (see {@link WireFormat} for the precision cost)
 * @param secret the job's random 32-byte secret; a connection that does not present it is dropped
 * @param handshakeTimeoutMillis how long a new connection has to present its complete handshake
 */
public record CollectiveOptions(long timeoutMillis, int chunkBytes, WireFormat wireFormat, byte[] secret,
                                long handshakeTimeoutMillis) implements java.io.Serializable {

    public static final long DEFAULT_TIMEOUT_MILLIS = 60_000;
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    public static final int SECRET_BYTES = 32;

    public CollectiveOptions {
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("timeoutMillis must be >= 1, got " + timeoutMillis);
        }
        if (chunkBytes < 4 || chunkBytes > (1 << 30)) {
            throw new IllegalArgumentException("chunkBytes must be in [4, 2^30], got " + chunkBytes);
        }
        Objects.requireNonNull(wireFormat, "wireFormat");
        if (secret == null || secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be " + SECRET_BYTES + " bytes, got "
                    + (secret == null ? "null" : secret.length + " bytes"));
        }
        if (handshakeTimeoutMillis < 1) {
            throw new IllegalArgumentException("handshakeTimeoutMillis must be >= 1, got " + handshakeTimeoutMillis);
        }
        secret = secret.clone();
    }

    /** Defaults (60 s timeout, 1 MiB pieces, FLOAT32, 5 s handshake) with the job's secret. */
    public static CollectiveOptions defaults(byte[] secret) {
        return new CollectiveOptions(DEFAULT_TIMEOUT_MILLIS, DEFAULT_CHUNK_BYTES, WireFormat.FLOAT32, secret,
                DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** A fresh random secret for a new job. */
    public static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    public CollectiveOptions withTimeoutMillis(long value) {
        return new CollectiveOptions(value, chunkBytes, wireFormat, secret, handshakeTimeoutMillis);
    }

    public CollectiveOptions withChunkBytes(int value) {
        return new CollectiveOptions(timeoutMillis, value, wireFormat, secret, handshakeTimeoutMillis);
    }

    public CollectiveOptions withWireFormat(WireFormat value) {
        return new CollectiveOptions(timeoutMillis, chunkBytes, value, secret, handshakeTimeoutMillis);
    }

    public CollectiveOptions withHandshakeTimeoutMillis(long value) {
        return new CollectiveOptions(timeoutMillis, chunkBytes, wireFormat, secret, value);
    }

    /** A copy, so nobody can change the secret under a running collective. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /** Values per pipelined piece in the all-reduce wire format. */
    int pieceValues() {
        return Math.max(1, chunkBytes / wireFormat.bytesPerValue);
    }

    /** Values per pipelined piece when sending exact float32 (broadcast). */
    int exactPieceValues() {
        return Math.max(1, chunkBytes / WireFormat.FLOAT32.bytesPerValue);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectiveOptions other && timeoutMillis == other.timeoutMillis
                && chunkBytes == other.chunkBytes && wireFormat == other.wireFormat
                && Arrays.equals(secret, other.secret) && handshakeTimeoutMillis == other.handshakeTimeoutMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeoutMillis, chunkBytes, wireFormat, Arrays.hashCode(secret), handshakeTimeoutMillis);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "CollectiveOptions[timeoutMillis=" + timeoutMillis + ", chunkBytes=" + chunkBytes
                + ", wireFormat=" + wireFormat + ", secret=<hidden>, handshakeTimeoutMillis="
                + handshakeTimeoutMillis + "]";
    }
}
