package io.spindle.worker.collective;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Framing after the handshake: an 8-byte big-endian header {type:u8, 0:u24, payloadLength:i32} and
 * the payload. DATA payloads are raw little-endian values in the wire format; the receiver always
 * knows how many bytes to expect, and a different length is a protocol error.
 */
final class Frames {

    static final int HEADER_BYTES = 8;

    /** Starts an operation: an {@link OpHeader}. */
    static final byte OP_HEADER = 1;
    /** A piece of buffer (possibly empty: a token meaning "done"). */
    static final byte DATA = 2;
    /** Empty; sent while an operation is in progress and this rank is waiting on someone else. */
    static final byte KEEPALIVE = 3;
    /** UTF-8 reason; the sender has given up on the current operation and will send nothing more. */
    static final byte ABORT = 4;

    static final int MAX_ABORT_BYTES = 4096;
    private static final int MAX_ABORT_CHARS = MAX_ABORT_BYTES / 3;   // UTF-8 needs at most 3 bytes per char

    private Frames() {
    }

    /** Fills {@code header} (cleared first) for a frame of this type and payload length, ready to write. */
    static ByteBuffer header(ByteBuffer header, byte type, int payloadLength) {
        header.clear();
        header.put(type).put((byte) 0).put((byte) 0).put((byte) 0).putInt(payloadLength);
        return header.flip();
    }

    static ByteBuffer abortPayload(String reason) {
        String text = reason.length() > MAX_ABORT_CHARS ? reason.substring(0, MAX_ABORT_CHARS) : reason;
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    static String typeName(byte type) {
        return switch (type) {
            case OP_HEADER -> "operation header";
            case DATA -> "data";
            case KEEPALIVE -> "keep-alive";
            case ABORT -> "abort";
            default -> "unknown frame type " + (type & 0xff);
        };
    }
}
