package io.spindle.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bulk copies between ND4J buffers and raw little-endian values on a stream (a model file's value sections,
 * the parameters rank 0 sends the driver), in 64 KiB chunks straight from and into native memory: no
 * per-element Java calls and no array the size of the values on the heap.
 */
public final class RawValues {
    private static final int CHUNK = 1 << 16;

    /** A section's byte length must fit one {@link ByteBuffer}, which is how ND4J exposes its memory. */
    static final long MAX_SECTION_BYTES = Integer.MAX_VALUE;

    private RawValues() {
    }

    /** Writes {@code x}'s values in c (row-major) order; views and f-order arrays are compacted first. */
    public static void write(INDArray x, OutputStream out) throws IOException {
        INDArray c = ownBuffer(x);
        long bytes = c.length() * c.dataType().width();
        if (bytes == 0) return;
        ByteBuffer src = nativeBytes(c, bytes);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /**
     * Reads {@code count} values of {@code type} into a fresh rank-1 array; a short stream throws
     * {@link ModelFileException} naming {@code section} and how many bytes were there.
     */
    public static INDArray read(InputStream in, DataType type, long count, String section, String source) throws IOException {
        INDArray x = Nd4j.createUninitialized(type, new long[] {count}, 'c');
        long bytes = count * type.width();
        if (bytes == 0) return x;
        ByteBuffer dst = nativeBytes(x, bytes);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        long done = 0;
        while (done < bytes) {
            int want = (int) Math.min(chunk.length, bytes - done);
            int got = in.readNBytes(chunk, 0, want);
            dst.put(chunk, 0, got);
            done += got;
            if (got < want) throw ModelFileException.truncated(source, section, bytes, done);
        }
        return x;
    }

    /**
     * {@code x} itself when its values are exactly its own buffer in c order, else a compact copy.
     * Needed because {@code data().asNio()} of a view spans the whole underlying buffer from element 0,
     * ignoring the view's offset (unlike {@code asFloat()}), so a view would silently write the wrong values.
     */
    static INDArray ownBuffer(INDArray x) {
        boolean compact = !x.isView() && x.offset() == 0 && x.data().length() == x.length()
                && (x.rank() <= 1 || x.ordering() == 'c');
        return compact ? x : x.dup('c');
    }

    /** The first {@code bytes} of {@code x}'s native memory (x must be compact: see {@link #ownBuffer}). */
    private static ByteBuffer nativeBytes(INDArray x, long bytes) {
        if (bytes > MAX_SECTION_BYTES) {
            throw new IllegalArgumentException("an array of " + x.length() + " " + x.dataType()
                    + " values is " + bytes + " bytes; a model file section holds at most " + MAX_SECTION_BYTES);
        }
        // ND4J stores values in native order and ships binaries only for little-endian platforms, which is the
        // file's order, so sections are plain byte copies. Refuse rather than write byte-swapped files elsewhere.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("model files are little-endian; this platform is " + ByteOrder.nativeOrder());
        }
        // duplicate(): our position and limit must not leak into a buffer object ND4J may hand out again.
        ByteBuffer b = x.data().asNio().duplicate();
        b.clear().limit((int) bytes);
        return b;
    }
}
