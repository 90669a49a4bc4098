package io.spindle.worker.collective;

import io.spindle.core.kernel.FloatLoops;
import io.spindle.core.kernel.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves pieces of a float32 buffer to and from one wire format through a reusable staging buffer; the arithmetic
 * (casts and adds) runs in Java loops, one pass over the two memories per piece (no view to build, no native call).
 * Not thread-safe: each thread owns its codec.
 */
final class WireCodec {

    private final WireFormat format;
    private final HalfFloats halves;   // a 16-bit format's loops; null for FLOAT32
    private final int pieceValues;
    private ByteBuffer stagingBytes;   // allocated on first use: a FLOAT32 codec that only copies never needs it
    private ByteBuffer stagingMemory;  // the same memory in native order, for the Java loops
    private ByteBuffer stage;          // 16-bit formats: the window's wire bytes, each piece as this rank received or made it
    private long stageFrom;            // the window's first value

    WireCodec(WireFormat format, int pieceValues) {
        this.format = format;
        this.halves = format.halves;
        this.pieceValues = pieceValues;
    }

    /** The wire bytes of {@code work[span]}; valid until this codec's next call. FLOAT32 sends in place. */
    ByteBuffer encode(WorkBuffer work, Partition.Span span) {
        if (halves == null) {
            return work.bytes(span);
        }
        allocate();
        halves.encode(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length());
        return stagingSlice(span.length());
    }

    /** Where to receive a piece of {@code length} values that will be added or copied in afterwards. */
    ByteBuffer slot(int length) {
        return stagingSlice(length);
    }

    /** {@code work[span] += received} (the piece last read into {@link #slot}), then {@code /= divisor} unless it is 1. */
    void addInto(WorkBuffer work, Partition.Span span, int divisor) {
        allocate();
        if (halves == null) {
            FloatLoops.addInto(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length(), divisor);
        } else {
            halves.addInto(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length(), divisor);
        }
    }

    /**
     * Starts an operation on the window [from, to) of the work buffer. In a 16-bit format each piece of the window keeps
     * its wire bytes here for the operation: a reduced piece is encoded in the pass that adds it and a gathered one
     * arrives encoded, so passing either on costs no second encode. A stage position is written at most once per
     * operation, and the sender has written its earlier bytes before then: the piece that overwrites them is built
     * from them.
     */
    void startWindow(long from, long to) {
        if (halves == null) return;
        long bytes = (to - from) * format.bytesPerValue;
        if (stage == null || stage.capacity() < bytes) {
            stage = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        }
        stageFrom = from;
    }

    /**
     * The wire bytes of {@code work[span]} already at hand, to pass on as they are (a slice the sender's thread may read
     * while this codec goes on); null where the format keeps none.
     */
    ByteBuffer staged(Partition.Span span) {
        return stage == null ? null : stageSlice(span);   // only 16-bit formats keep a stage
    }

    /**
     * {@code work[span] += received}, then {@code /= divisor} unless it is 1, then, with {@code round}, the result
     * rounded to what the wire carries ({@link #roundInPlace}); in a 16-bit format the piece's wire bytes are staged in
     * the same pass ({@link #staged}).
     */
    void reduce(WorkBuffer work, Partition.Span span, int divisor, boolean round) {
        if (halves == null) {
            addInto(work, span, divisor);
            return;
        }
        allocate();
        halves.addIntoAndEncode(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length(), divisor,
                stage, Math.toIntExact(span.offset() - stageFrom), round);
    }

    /** Rounds {@code work[span]} as {@link #roundInPlace} does, staging its wire bytes in a 16-bit format. */
    void roundAndStage(WorkBuffer work, Partition.Span span) {
        if (halves == null) return;
        int from = Math.toIntExact(span.offset());
        ByteBuffer wire = stageSlice(span);
        halves.encode(work.memory(), from, wire, span.length());
        halves.decode(wire, work.memory(), from, span.length());
    }

    /** Where to receive a gathered piece that replaces {@code work[span]}: the buffer itself for FLOAT32, the stage otherwise. */
    ByteBuffer gatherTarget(WorkBuffer work, Partition.Span span) {
        return halves == null ? work.bytes(span) : stageSlice(span);
    }

    /** Completes a piece received into {@link #gatherTarget}. */
    void finishGather(WorkBuffer work, Partition.Span span) {
        if (halves != null) halves.decode(stageSlice(span), work.memory(), Math.toIntExact(span.offset()), span.length());
    }

    private ByteBuffer stageSlice(Partition.Span span) {
        int at = Math.toIntExact((span.offset() - stageFrom) * format.bytesPerValue);
        return stage.slice(at, span.length() * format.bytesPerValue).order(ByteOrder.nativeOrder());
    }

    /** Where to receive a piece that replaces {@code work[span]}: the buffer itself for FLOAT32. */
    ByteBuffer copyTarget(WorkBuffer work, Partition.Span span) {
        return halves == null ? work.bytes(span) : slot(span.length());
    }

    /** Completes a copy received into {@link #copyTarget}. */
    void finishCopy(WorkBuffer work, Partition.Span span) {
        if (halves != null) halves.decode(stagingMemory, work.memory(), Math.toIntExact(span.offset()), span.length());
    }

    /**
     * Rounds {@code work[span]} to the nearest value the wire can carry, so the rank that owns a reduced
     * chunk keeps exactly the bits every other rank will receive.
     */
    void roundInPlace(WorkBuffer work, Partition.Span span) {
        if (halves == null) return;
        allocate();
        int from = Math.toIntExact(span.offset());
        halves.encode(work.memory(), from, stagingMemory, span.length());
        halves.decode(stagingMemory, work.memory(), from, span.length());
    }

    private ByteBuffer stagingSlice(int length) {
        allocate();
        stagingBytes.clear().limit(length * format.bytesPerValue);
        return stagingBytes;
    }

    private void allocate() {
        if (stagingMemory == null) {
            stagingMemory = ByteBuffer.allocateDirect(pieceValues * format.bytesPerValue).order(ByteOrder.nativeOrder());
            stagingBytes = stagingMemory.duplicate().order(ByteOrder.LITTLE_ENDIAN);   // the wire's cursor
        }
    }
}
