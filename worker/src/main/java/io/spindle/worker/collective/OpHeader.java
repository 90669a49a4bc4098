package io.spindle.worker.collective;

import java.nio.ByteBuffer;

/**
 * What a rank says it is doing at the start of each operation, so that ranks which disagree (a
 * different call, buffer length, root, wire format or piece size) fail with a clear message instead of
 * garbage. Wire payload, 24 bytes big-endian:
 * {op:u8, wireFormat:u8, 0:u16, sequence:i32, count:i64, root:i32, pieceValues:i32}.
 */
record OpHeader(Operation op, WireFormat format, int sequence, long count, int root, int pieceValues) {

    static final int BYTES = 24;

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put(op.code).put(format.code).putShort((short) 0).putInt(sequence).putLong(count).putInt(root)
                .putInt(pieceValues);
        return b.flip();
    }

    /** Decodes a header; null if the codes are unknown. */
    static OpHeader decode(ByteBuffer b) {
        Operation op = Operation.fromCode(b.get());
        WireFormat format = WireFormat.fromCode(b.get());
        b.getShort();
        int sequence = b.getInt();
        long count = b.getLong();
        int root = b.getInt();
        int pieceValues = b.getInt();
        return op == null || format == null ? null : new OpHeader(op, format, sequence, count, root, pieceValues);
    }

    /** Throws unless {@code theirs} (from {@code peer}) describes the same call as this one (from {@code self}). */
    void requireSame(OpHeader theirs, String peer, String self) {
        if (!equals(theirs)) {
            throw new CollectiveException(peer + " is in " + theirs.describe() + " but " + self + " is in "
                    + describe() + "; every rank must make the same calls in the same order, with the same options");
        }
    }

    /** "all-reduce #3 of 10007 values (FLOAT16, pieces of 524288)", "broadcast #4 of 8 values from rank 1". */
    String describe() {
        return switch (op) {
            case ALL_REDUCE -> op + " #" + sequence + " of " + count + " values (" + format + ", pieces of "
                    + pieceValues + ")";
            case BROADCAST -> op + " #" + sequence + " of " + count + " values from rank " + root
                    + " (pieces of " + pieceValues + ")";
            default -> op + " #" + sequence;
        };
    }
}
