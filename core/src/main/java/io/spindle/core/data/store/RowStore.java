package io.spindle.core.data.store;

import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fixed-width rows addressed by row number, stored in memory (a heap array, a native array) or in a spool file
 * (memory-mapped, or read a row at a time), each encoded by a {@link ValueCodec}. A batch is gathered straight into its
 * native buffer: one bulk copy per row where the stored values are the batch's floats, one decoding pass otherwise.
 * Byte offsets are 64-bit: the rows sit in chunks of whole rows, each below 2 GiB, so a store may hold more than 2^31
 * values.
 */
public final class RowStore {
    /** The largest chunk: a ByteBuffer addresses at most 2^31 - 1 bytes. */
    static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE;

    private final ByteBuffer[] chunks;
    private final long rows;
    private final int width, rowBytes;
    private final long rowsPerChunk;
    private final ValueCodec codec;
    private final Object owner;   // keeps the memory behind the chunks reachable (an INDArray; null for heap and mappings)
    private final FileRows file;  // rows read from a file a row at a time instead of chunks in memory; null otherwise

    private RowStore(ByteBuffer[] chunks, long rows, int width, long rowsPerChunk, ValueCodec codec, Object owner) {
        this(chunks, rows, width, rowsPerChunk, codec, owner, null);
    }

    private RowStore(ByteBuffer[] chunks, long rows, int width, long rowsPerChunk, ValueCodec codec, Object owner, FileRows file) {
        this.file = file;
        this.chunks = chunks;
        this.rows = rows;
        this.width = width;
        this.rowBytes = Math.multiplyExact(width, codec.encoding().bytes());
        this.rowsPerChunk = rowsPerChunk;
        this.codec = codec;
        this.owner = owner;
    }

    /** The rows of a float or double [N, W] array, in place: its memory is gathered from, never copied whole. */
    public static RowStore of(INDArray rows) {
        if (rows.rank() != 2) throw new IllegalArgumentException("rows must be a [rows, width] array");
        INDArray source = Memory.isContiguous(rows) ? rows : rows.dup('c');
        Encoding enc = switch (source.dataType()) {
            case FLOAT -> Encoding.FLOAT32;
            case DOUBLE -> Encoding.FLOAT64;
            default -> throw new IllegalArgumentException("rows of " + source.dataType() + " cannot be stored; FLOAT or DOUBLE");
        };
        long n = source.size(0);
        int width = Math.toIntExact(source.size(1));
        long perChunk = rowsPerChunk(width * (long) enc.bytes(), MAX_CHUNK_BYTES);
        ByteBuffer[] chunks = new ByteBuffer[chunkCount(n, perChunk)];
        for (int c = 0; c < chunks.length; c++) {
            long from = c * perChunk, to = Math.min(n, from + perChunk);
            chunks[c] = Memory.of(chunks.length == 1 ? source : source.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
        }
        return new RowStore(chunks, n, width, perChunk, ValueCodec.plain(enc), source);
    }

    /** Rows already encoded in native byte order, on the heap (a cached shard). */
    public static RowStore of(byte[] encoded, long rows, int width, ValueCodec codec) {
        if (encoded.length != rows * width * codec.encoding().bytes()) {
            throw new IllegalArgumentException(encoded.length + " bytes do not hold " + rows + " rows of " + width + " " + codec.encoding().label());
        }
        ByteBuffer all = ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder());
        return new RowStore(new ByteBuffer[] {all}, rows, width, Math.max(rows, 1), codec, null);
    }

    /** Rows mapped read-only from {@code file}, starting at byte {@code position}. */
    public static RowStore mapped(Path file, long position, long rows, int width, ValueCodec codec) throws IOException {
        return mapped(file, position, rows, width, codec, MAX_CHUNK_BYTES);
    }

    static RowStore mapped(Path file, long position, long rows, int width, ValueCodec codec, long maxChunkBytes) throws IOException {
        long rowBytes = (long) width * codec.encoding().bytes();
        long perChunk = rowsPerChunk(rowBytes, maxChunkBytes);
        ByteBuffer[] chunks = new ByteBuffer[chunkCount(rows, perChunk)];
        // The mappings outlive the channel; the pages belong to the page cache, not to the heap.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < position + rows * rowBytes) {
                throw new IOException(file + " holds " + ch.size() + " bytes, fewer than the " + (position + rows * rowBytes) + " its rows need");
            }
            for (int c = 0; c < chunks.length; c++) {
                long first = c * perChunk, count = Math.min(rows - first, perChunk);
                chunks[c] = ch.map(FileChannel.MapMode.READ_ONLY, position + first * rowBytes, count * rowBytes).order(ByteOrder.nativeOrder());
            }
        }
        return new RowStore(chunks, rows, width, perChunk, codec, null);
    }

    /**
     * Rows read from {@code file}, starting at byte {@code position}, by one positional read per row (pread) straight
     * into the batch: the kernel copies from the page cache through its own mapping. Spool files are mapped instead; this
     * is the alternative {@code bench/run spool-gather} measures against the mapping (bench/RESULTS.md).
     */
    public static RowStore read(Path file, long position, long rows, int width, ValueCodec codec) throws IOException {
        long rowBytes = (long) width * codec.encoding().bytes();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            if (ch.size() < position + rows * rowBytes) {
                throw new IOException(file + " holds " + ch.size() + " bytes, fewer than the " + (position + rows * rowBytes) + " its rows need");
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new RowStore(new ByteBuffer[0], rows, width, Math.max(rows, 1), codec, null, new FileRows(file, ch, position));
    }

    /** A spool file read at positions; the channel is closed by its cleaner once the store is unreachable. */
    private record FileRows(Path path, FileChannel channel, long position) {
        void read(ByteBuffer into, long offset) {
            try {
                long at = position + offset;
                while (into.hasRemaining()) {
                    int n = channel.read(into, at + into.position());
                    if (n < 0) throw new java.io.EOFException("the file ends before byte " + (at + into.limit()));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("reading rows from " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private static long rowsPerChunk(long rowBytes, long maxChunkBytes) {
        if (rowBytes > maxChunkBytes) throw new IllegalArgumentException("a row of " + rowBytes + " bytes is longer than a chunk");
        return rowBytes == 0 ? Long.MAX_VALUE : maxChunkBytes / rowBytes;
    }

    private static int chunkCount(long rows, long perChunk) {
        return Math.toIntExact(Math.max(1, (rows + perChunk - 1) / perChunk));
    }

    public long rows() {
        return rows;
    }

    public int width() {
        return width;
    }

    public ValueCodec codec() {
        return codec;
    }

    /** The bytes the rows take where they are stored. */
    public long bytes() {
        return rows * rowBytes;
    }

    /** Gathers rows of this store into {@code target}, a contiguous float or double [B, width] array. */
    public Gather into(INDArray target) {
        return new Gather(target);
    }

    /** Every row, decoded into a new c-order [rows, width] array of {@code type} (FLOAT or DOUBLE). */
    public INDArray toArray(DataType type) {
        INDArray out = Nd4j.create(type, rows, width);
        if (rows == 0) return out;
        int[] all = new int[Math.toIntExact(rows)];
        for (int i = 0; i < all.length; i++) all[i] = i;
        into(out).gather(all, 0, all.length);
        return out;
    }

    /** A batch buffer bound to this store; the target's memory is looked up once. */
    public final class Gather {
        private final INDArray target;   // owns the memory of {@code to}
        private final ByteBuffer to;
        private final boolean doubles;
        private final int targetRowBytes;
        private final java.nio.FloatBuffer floats;   // the target as floats, for rows decoded through the scratch arrays
        private final byte[] codes;
        private final float[] decoded;
        private final ByteBuffer fileRow;   // one row read from the file, when it needs decoding

        private Gather(INDArray target) {
            if (target.dataType() != DataType.FLOAT && target.dataType() != DataType.DOUBLE || target.size(1) != width) {
                throw new IllegalArgumentException(rows + " rows of " + width + " " + codec.encoding().label() + " cannot be gathered into "
                        + target.dataType() + " x " + target.size(1));
            }
            this.target = target;
            this.to = Memory.of(target);
            this.doubles = target.dataType() == DataType.DOUBLE;
            this.targetRowBytes = width * (doubles ? 8 : 4);
            boolean viaArrays = !doubles && (codec.encoding() == Encoding.UINT8 || codec.encoding() == Encoding.FLOAT16);
            this.floats = viaArrays ? to.asFloatBuffer() : null;
            this.codes = viaArrays ? new byte[2 * width] : null;
            this.decoded = viaArrays ? new float[width] : null;
            this.fileRow = file == null ? null : ByteBuffer.allocateDirect(Math.max(rowBytes, 1)).order(ByteOrder.nativeOrder());
        }

        /** Target row i becomes stored row {@code order[first + i]}, for i in [0, count). */
        public void gather(int[] order, int first, int count) {
            boolean raw = codec.encoding() == (doubles ? Encoding.FLOAT64 : Encoding.FLOAT32);
            for (int i = 0; i < count; i++) {
                int row = order[first + i];
                if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
                ByteBuffer chunk;
                int at;
                if (file != null) {
                    if (raw) {
                        file.read(to.slice(i * targetRowBytes, rowBytes), (long) row * rowBytes);
                        continue;
                    }
                    file.read(fileRow.clear(), (long) row * rowBytes);
                    chunk = fileRow;
                    at = 0;
                } else {
                    chunk = chunks[(int) (row / rowsPerChunk)];
                    at = (int) (row % rowsPerChunk) * rowBytes;
                }
                if (raw) {
                    to.put(i * targetRowBytes, chunk, at, rowBytes);
                } else if (floats != null) {
                    codec.decodeRow(chunk, at, width, codes, decoded);
                    floats.put(i * width, decoded, 0, width);
                } else {
                    codec.decodeRow(chunk, at, width, to, i * targetRowBytes, doubles);
                }
            }
        }
    }
}
