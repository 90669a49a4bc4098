package io.spindle.worker.collective;

import io.spindle.core.kernel.Bfloat16Loops;
import io.spindle.core.kernel.FloatLoops;
import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves pieces of a float32 buffer to and from one wire format through a reusable native staging
 * array; the arithmetic (casts and adds) runs in Java loops for FLOAT32 and BFLOAT16, and in libnd4j for FLOAT16.
 * Not thread-safe: each thread owns its codec.
 */
final class WireCodec {

    private final WireFormat format;
    private final int pieceValues;
    private PrefixViews staging;       // allocated on first use: a FLOAT32 codec that only copies never needs it
    private ByteBuffer stagingBytes;
    private ByteBuffer stagingMemory;  // the same memory in native order, for the Java loops
    private PrefixViews wide;          // FLOAT16 only: a received piece cast to float32, for the Java add
    private ByteBuffer wideMemory;
    private ByteBuffer stage;          // BFLOAT16 only: the window's wire bytes, each piece as this rank received or made it
    private long stageFrom;            // the window's first value

    WireCodec(WireFormat format, int pieceValues) {
        this.format = format;
        this.pieceValues = pieceValues;
    }

    /** The wire bytes of {@code work[span]}; valid until this codec's next call. FLOAT32 sends in place. */
    ByteBuffer encode(WorkBuffer work, Partition.Span span) {
        if (format == WireFormat.FLOAT32) {
            return work.bytes(span);
        }
        if (format == WireFormat.BFLOAT16) {
            allocate();
            Bfloat16Loops.encode(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length());
        } else {
            stagingView(span.length()).assign(work.view(span));
        }
        return stagingSlice(span.length());
    }

    /** Where to receive a piece of {@code length} values that will be added or copied in afterwards. */
    ByteBuffer slot(int length) {
        return stagingSlice(length);
    }

    /**
     * {@code work[span] += received} (the piece last read into {@link #slot}), then {@code /= divisor} unless it
     * is 1. FLOAT32 and BFLOAT16 pieces are one Java pass over the two memories (no view to build, no native call per
     * piece); FLOAT16 is cast and added in libnd4j. Either way the bits are those of an add, then a divide.
     */
    void addInto(WorkBuffer work, Partition.Span span, int divisor) {
        if (format == WireFormat.FLOAT32) {
            allocate();
            FloatLoops.addInto(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length(), divisor);
            return;
        }
        if (format == WireFormat.BFLOAT16) {
            allocate();
            Bfloat16Loops.addInto(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length(), divisor);
            return;
        }
        // libnd4j's mixed-type add is a slow generic loop: cast to float32 (a fast same-kind cast), then add in Java.
        INDArray received = stagingView(span.length());
        if (wide == null) {
            wide = new PrefixViews(Nd4j.createUninitialized(DataType.FLOAT, pieceValues));
            wideMemory = Memory.of(wide.array());
        }
        wide.first(span.length()).assign(received);
        FloatLoops.addInto(work.memory(), Math.toIntExact(span.offset()), wideMemory, span.length(), divisor);
    }

    /**
     * Starts an operation on the window [from, to) of the work buffer. In BFLOAT16 each piece of the window keeps its
     * wire bytes here for the operation: a reduced piece is encoded in the pass that adds it and a gathered one arrives
     * encoded, so passing either on costs no second encode. A stage position is written at most once per operation,
     * and the sender has written its earlier bytes before then: the piece that overwrites them is built from them.
     */
    void startWindow(long from, long to) {
        if (format != WireFormat.BFLOAT16) return;
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
        return stage == null ? null : stageSlice(span);   // only BFLOAT16 keeps a stage
    }

    /**
     * {@code work[span] += received}, then {@code /= divisor} unless it is 1, then, with {@code round}, the result
     * rounded to what the wire carries ({@link #roundInPlace}); in BFLOAT16 the piece's wire bytes are staged in the
     * same pass ({@link #staged}).
     */
    void reduce(WorkBuffer work, Partition.Span span, int divisor, boolean round) {
        if (format != WireFormat.BFLOAT16) {
            addInto(work, span, divisor);
            if (round) roundInPlace(work, span);
            return;
        }
        allocate();
        Bfloat16Loops.addIntoAndEncode(work.memory(), Math.toIntExact(span.offset()), stagingMemory, span.length(), divisor,
                stage, Math.toIntExact(span.offset() - stageFrom), round);
    }

    /** Rounds {@code work[span]} as {@link #roundInPlace} does, staging its wire bytes in BFLOAT16. */
    void roundAndStage(WorkBuffer work, Partition.Span span) {
        if (format != WireFormat.BFLOAT16) {
            roundInPlace(work, span);
            return;
        }
        int from = Math.toIntExact(span.offset());
        ByteBuffer wire = stageSlice(span);
        Bfloat16Loops.encode(work.memory(), from, wire, span.length());
        Bfloat16Loops.decode(wire, work.memory(), from, span.length());
    }

    /** Where to receive a gathered piece that replaces {@code work[span]}: the buffer itself for FLOAT32, the stage in BFLOAT16. */
    ByteBuffer gatherTarget(WorkBuffer work, Partition.Span span) {
        return format == WireFormat.BFLOAT16 ? stageSlice(span) : copyTarget(work, span);
    }

    /** Completes a piece received into {@link #gatherTarget}. */
    void finishGather(WorkBuffer work, Partition.Span span) {
        if (format == WireFormat.BFLOAT16) {
            Bfloat16Loops.decode(stageSlice(span), work.memory(), Math.toIntExact(span.offset()), span.length());
        } else {
            finishCopy(work, span);
        }
    }

    private ByteBuffer stageSlice(Partition.Span span) {
        int at = Math.toIntExact((span.offset() - stageFrom) * format.bytesPerValue);
        return stage.slice(at, span.length() * format.bytesPerValue).order(ByteOrder.nativeOrder());
    }

    /** Where to receive a piece that replaces {@code work[span]}: the buffer itself for FLOAT32. */
    ByteBuffer copyTarget(WorkBuffer work, Partition.Span span) {
        return format == WireFormat.FLOAT32 ? work.bytes(span) : slot(span.length());
    }

    /** Completes a copy received into {@link #copyTarget}. */
    void finishCopy(WorkBuffer work, Partition.Span span) {
        if (format == WireFormat.BFLOAT16) {
            Bfloat16Loops.decode(stagingMemory, work.memory(), Math.toIntExact(span.offset()), span.length());
        } else if (format != WireFormat.FLOAT32) {
            work.view(span).assign(stagingView(span.length()));
        }
    }

    /**
     * Rounds {@code work[span]} to the nearest value the wire can carry, so the rank that owns a reduced
     * chunk keeps exactly the bits every other rank will receive.
     */
    void roundInPlace(WorkBuffer work, Partition.Span span) {
        if (format == WireFormat.BFLOAT16) {
            allocate();
            int from = Math.toIntExact(span.offset());
            Bfloat16Loops.encode(work.memory(), from, stagingMemory, span.length());
            Bfloat16Loops.decode(stagingMemory, work.memory(), from, span.length());
        } else if (format != WireFormat.FLOAT32) {
            INDArray view = work.view(span);
            INDArray wire = stagingView(span.length());
            wire.assign(view);
            view.assign(wire);
        }
    }

    private INDArray stagingView(int length) {
        allocate();
        return staging.first(length);
    }

    private ByteBuffer stagingSlice(int length) {
        allocate();
        stagingBytes.clear().limit(length * format.bytesPerValue);
        return stagingBytes;
    }

    private void allocate() {
        if (staging == null) {
            staging = new PrefixViews(Nd4j.createUninitialized(format.dataType, pieceValues));
            stagingMemory = Memory.of(staging.array());
            stagingBytes = stagingMemory.duplicate().order(ByteOrder.LITTLE_ENDIAN);   // the wire's cursor
        }
    }
}
