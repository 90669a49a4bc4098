package io.spindle.worker.collective;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads the frames one peer sends. Skips keep-alives, and turns an abort frame, silence past the
 * timeout, a dead connection or a protocol violation into a CollectiveException naming the peer.
 * Used by one thread at a time.
 */
final class FrameReader {

    private static final int END = -1;

    private final TimedSocket socket;
    private final String peer;
    private final long timeoutMillis;
    private final long idleNanos;
    private final ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
    private final ByteBuffer opHeader = ByteBuffer.allocate(OpHeader.BYTES);

    FrameReader(TimedSocket socket, String peer, long timeoutMillis) {
        this.socket = socket;
        this.peer = peer;
        this.timeoutMillis = timeoutMillis;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    String peer() {
        return peer;
    }

    /** Reads the header that starts the peer's next operation; {@code during} names it in errors. */
    OpHeader readOpHeader(Operation during) {
        return readOpHeader(during, false);
    }

    /** Like {@link #readOpHeader(Operation)}, but returns null if the peer closed the connection cleanly instead. */
    OpHeader readOpHeaderOrEnd() {
        return readOpHeader(Operation.IDLE, true);
    }

    private OpHeader readOpHeader(Operation during, boolean endAllowed) {
        int length = nextFrame(Frames.OP_HEADER, during, endAllowed);
        if (length == END) {
            return null;
        }
        if (length != OpHeader.BYTES) {
            throw protocol("an operation header of " + length + " bytes", during);
        }
        opHeader.clear();
        read(opHeader, during);
        OpHeader decoded = OpHeader.decode(opHeader.flip());
        if (decoded == null) {
            throw protocol("an operation header with unknown codes", during);
        }
        return decoded;
    }

    /** Reads one DATA frame whose payload exactly fills {@code dst} (which may be empty: a token). */
    void readData(ByteBuffer dst, Operation during) {
        int length = nextFrame(Frames.DATA, during, false);
        if (length != dst.remaining()) {
            throw protocol(length + " data bytes where " + dst.remaining() + " were expected", during);
        }
        read(dst, during);
    }

    /** The frame's payload length, or END if {@code endAllowed} and the peer closed before a new frame. */
    private int nextFrame(byte expected, Operation during, boolean endAllowed) {
        long waitingSince = System.nanoTime();
        while (true) {
            header.clear();
            try {
                socket.readFully(header, idleNanos, TimedSocket.NO_DEADLINE);
            } catch (EOFException e) {
                if (endAllowed && header.position() == 0) {
                    return END;
                }
                throw PeerFailures.reading(e, peer, during, timeoutMillis);
            } catch (IOException e) {
                throw PeerFailures.reading(e, peer, during, timeoutMillis);
            }
            byte type = header.get(0);
            int length = header.getInt(4);
            if (type == Frames.KEEPALIVE && length == 0) {
                // A peer that only says "still waiting" is itself stuck behind someone; whoever sits next
                // to the culprit times out after timeoutMillis and aborts, so twice that means something worse.
                if (System.nanoTime() - waitingSince > 2 * idleNanos) {
                    throw new CollectiveException(peer + " sent only keep-alives for "
                            + PeerFailures.seconds(2 * timeoutMillis) + " " + during.during()
                            + "; it is waiting on another rank");
                }
                continue;
            }
            if (type == Frames.ABORT) {
                throw abort(length, during);
            }
            if (type != expected) {
                throw protocol("a " + Frames.typeName(type) + " frame where a " + Frames.typeName(expected)
                        + " frame was expected", during);
            }
            return length;
        }
    }

    private CollectiveException abort(int length, Operation during) {
        if (length < 0 || length > Frames.MAX_ABORT_BYTES) {
            return protocol("an abort frame of " + length + " bytes", during);
        }
        ByteBuffer text = ByteBuffer.allocate(length);
        read(text, during);
        String reason = new String(text.array(), StandardCharsets.UTF_8);
        String what = during == Operation.IDLE ? "the collective" : "the " + during;
        return new RemoteAbortException(peer + " aborted " + what + ": " + reason, reason);
    }

    private void read(ByteBuffer dst, Operation during) {
        try {
            socket.readFully(dst, idleNanos, TimedSocket.NO_DEADLINE);
        } catch (IOException e) {
            throw PeerFailures.reading(e, peer, during, timeoutMillis);
        }
    }

    private CollectiveException protocol(String what, Operation during) {
        return new CollectiveException(peer + " broke the protocol " + during.during() + ": sent " + what);
    }
}
