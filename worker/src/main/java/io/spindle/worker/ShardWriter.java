package io.spindle.worker;

import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.SpoolFile;
import io.spindle.core.data.store.ValueCodec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * Builds a {@link Shard} from blocks of rows as a reader delivers them, encoding the features by the codec: into one
 * heap array, or (given a spool file) straight to local disk, features first and the float32 labels after them.
 */
public final class ShardWriter implements Closeable {
    private final int index, rows, width, labelWidth, numClasses;
    private final long[] sampleShape;
    private final ValueCodec codec;
    private final SpoolFile spool;
    private final byte[] features;
    private final float[] labels;
    private final long featureBytes, start;   // start: where the features begin in a spool file, after its header
    private int written;

    public ShardWriter(int index, int rows, long[] sampleShape, int labelWidth, int numClasses, ValueCodec codec, Path spoolFile)
            throws IOException {
        this.index = index;
        this.rows = rows;
        this.sampleShape = sampleShape.clone();
        this.width = Math.toIntExact(Arrays.stream(sampleShape).reduce(1, Math::multiplyExact));
        this.labelWidth = labelWidth;
        this.numClasses = numClasses;
        this.codec = codec;
        this.featureBytes = (long) rows * width * codec.encoding().bytes();
        long labelBytes = 4L * rows * labelWidth;
        if (spoolFile != null) {
            SpoolHeader header = new SpoolHeader(index, rows, sampleShape, labelWidth, numClasses, codec);
            this.start = header.bytes();
            this.spool = SpoolFile.create(spoolFile, start + featureBytes + labelBytes);
            spool.write(header.encode(), 0);
            this.features = null;
            this.labels = null;
        } else {
            if (featureBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shard " + index + ": " + featureBytes + " bytes of features do not fit one in-memory shard"
                        + " (at most 2 GiB); use data.cache: disk or auto, more workers, or a more compact data.storage");
            }
            this.spool = null;
            this.start = 0;
            this.features = new byte[(int) featureBytes];
            this.labels = new float[Math.multiplyExact(rows, labelWidth)];
        }
    }

    /**
     * Appends {@code count} rows: features {@code [count, width]} and labels {@code [count, labelWidth]} as floats;
     * {@code sourceRow} maps a row of this block to its row in the source, for messages.
     */
    public void add(float[] f, float[] l, int count, IntToLongFunction sourceRow) throws IOException {
        if (written + count > rows) throw new IllegalStateException("shard " + index + " holds " + rows + " rows, not " + (written + count));
        int valueBytes = codec.encoding().bytes();
        ByteBuffer block = spool == null ? ByteBuffer.wrap(features).order(ByteOrder.nativeOrder())
                : ByteBuffer.allocate(count * width * valueBytes).order(ByteOrder.nativeOrder());
        int base = spool == null ? written * width * valueBytes : 0;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < width; j++) {
                codec.encode(f[i * width + j], j, sourceRow.applyAsLong(i), block, base + (i * width + j) * valueBytes);
            }
        }
        if (spool == null) {
            System.arraycopy(l, 0, labels, written * labelWidth, count * labelWidth);
        } else {
            spool.write(block, start + (long) written * width * valueBytes);
            ByteBuffer lb = ByteBuffer.allocate(4 * count * labelWidth).order(ByteOrder.nativeOrder());
            lb.asFloatBuffer().put(l, 0, count * labelWidth);
            spool.write(lb, start + featureBytes + 4L * written * labelWidth);
        }
        written += count;
    }

    /** The shard, once every row is in (a spool file is committed under its final name). */
    public Shard finish() throws IOException {
        if (written != rows) throw new IllegalStateException("shard " + index + ": " + written + " of " + rows + " rows written");
        String path = spool == null ? null : spool.commit().toString();
        return new Shard(index, rows, features, labels, path, codec, sampleShape, labelWidth, numClasses);
    }

    /** Removes an unfinished spool file. */
    @Override
    public void close() throws IOException {
        if (spool != null) spool.close();
    }

    static byte[] floatBytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
