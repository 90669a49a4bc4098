package io.spindle.worker;

import io.spindle.core.data.DataFormatException;
import io.spindle.core.data.SampleWeights;
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
 * heap array, or (given a spool file) straight to local disk, features first, the float32 labels after them and then,
 * for weighted rows, one float32 sample weight per row.
 */
public final class ShardWriter implements Closeable {
    private final int index, rows, width, labelWidth, numClasses;
    private final boolean weighted;
    private final long[] sampleShape;
    private final ValueCodec codec;
    private final SpoolFile spool;
    private final byte[] features;
    private final float[] labels;
    private final float[] weights;   // null when unweighted or spooled
    private final long featureBytes, start;   // start: where the features begin in a spool file, after its header
    private int written;

    public ShardWriter(int index, int rows, long[] sampleShape, int labelWidth, int numClasses, ValueCodec codec, Path spoolFile)
            throws IOException {
        this(index, rows, sampleShape, labelWidth, numClasses, codec, false, spoolFile);
    }

    /** As the unweighted writer; {@code weighted} rows carry one sample weight each ({@link #add(float[], float[], float[], int, IntToLongFunction)}). */
    public ShardWriter(int index, int rows, long[] sampleShape, int labelWidth, int numClasses, ValueCodec codec, boolean weighted,
                       Path spoolFile) throws IOException {
        this.index = index;
        this.weighted = weighted;
        this.rows = rows;
        this.sampleShape = sampleShape.clone();
        this.width = Math.toIntExact(Arrays.stream(sampleShape).reduce(1, Math::multiplyExact));
        this.labelWidth = labelWidth;
        this.numClasses = numClasses;
        this.codec = codec;
        this.featureBytes = (long) rows * width * codec.encoding().bytes();
        long labelBytes = 4L * rows * labelWidth;
        if (spoolFile != null) {
            SpoolHeader header = new SpoolHeader(index, rows, sampleShape, labelWidth, numClasses, codec, weighted);
            this.start = header.bytes();
            this.spool = SpoolFile.create(spoolFile, start + featureBytes + labelBytes + (weighted ? 4L * rows : 0));
            spool.write(header.encode(), 0);
            this.features = null;
            this.labels = null;
            this.weights = null;
        } else {
            if (featureBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shard " + index + ": " + featureBytes + " bytes of features do not fit one in-memory shard"
                        + " (at most 2 GiB); use data.cache: disk or auto, more workers, or a more compact data.storage");
            }
            this.spool = null;
            this.start = 0;
            this.features = new byte[(int) featureBytes];
            this.labels = new float[Math.multiplyExact(rows, labelWidth)];
            this.weights = weighted ? new float[rows] : null;
        }
    }

    /**
     * Appends {@code count} rows: features {@code [count, width]} and labels {@code [count, labelWidth]} as floats;
     * {@code sourceRow} maps a row of this block to its row in the source, for messages.
     */
    public void add(float[] f, float[] l, int count, IntToLongFunction sourceRow) throws IOException {
        add(f, l, null, count, sourceRow);
    }

    /** As {@link #add(float[], float[], int, IntToLongFunction)}, with {@code count} sample weights when this shard is weighted. */
    public void add(float[] f, float[] l, float[] w, int count, IntToLongFunction sourceRow) throws IOException {
        if (weighted != (w != null)) throw new IllegalStateException("shard " + index + (weighted ? " needs" : " takes no") + " sample weights");
        if (written + count > rows) throw new IllegalStateException("shard " + index + " holds " + rows + " rows, not " + (written + count));
        checkLabels(l, count, sourceRow);
        if (w != null) checkWeights(w, count, sourceRow);
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
            if (w != null) System.arraycopy(w, 0, weights, written, count);
        } else {
            spool.write(block, start + (long) written * width * valueBytes);
            writeLabels(l, count);
            if (w != null) spool.write(floats(w, count), start + featureBytes + 4L * rows * labelWidth + 4L * written);
        }
        written += count;
    }

    /**
     * Appends {@code count} records stored as bytes (IDX pixels, which {@code source} decodes) with one label byte each:
     * copied as they are when this shard stores them with the same codec, converted otherwise.
     */
    public void addBytes(byte[] codes, ValueCodec source, byte[] labelBytes, int count, long firstRow) throws IOException {
        addBytes(codes, source, labelBytes, count, i -> firstRow + i);
    }

    /** {@link #addBytes(byte[], ValueCodec, byte[], int, long)} of records that are not consecutive in the source: {@code sourceRow} maps each to its row. */
    public void addBytes(byte[] codes, ValueCodec source, byte[] labelBytes, int count, IntToLongFunction sourceRow) throws IOException {
        if (weighted) throw new IllegalStateException("shard " + index + ": IDX records carry no sample weights");
        float[] l = new float[count];
        for (int i = 0; i < count; i++) l[i] = labelBytes[i] & 0xff;
        if (labelWidth != 1) throw new IllegalStateException("byte labels are one class index per row, not " + labelWidth + " values");
        boolean same = codec.encoding() == Encoding.UINT8 && Arrays.equals(codec.divisors(), source.divisors())
                && Arrays.equals(codec.offsets(), source.offsets());
        if (!same) {
            float[] f = new float[count * width];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < width; j++) f[i * width + j] = source.decode(codes[i * width + j] & 0xff, j);
            }
            add(f, l, count, sourceRow);
            return;
        }
        checkLabels(l, count, sourceRow);
        if (spool == null) {
            System.arraycopy(codes, 0, features, written * width, count * width);
            System.arraycopy(l, 0, labels, written, count);
        } else {
            spool.write(ByteBuffer.wrap(codes, 0, count * width), start + (long) written * width);
            writeLabels(l, count);
        }
        written += count;
    }

    /** A class index the model has no output for fails here, naming its row: the driver reads no labels. */
    private void checkLabels(float[] l, int count, IntToLongFunction sourceRow) throws DataFormatException {
        if (numClasses <= 0) return;
        for (int i = 0; i < count * labelWidth; i++) {
            if (!(l[i] >= 0 && l[i] < numClasses) || l[i] != Math.rint(l[i])) {
                throw new DataFormatException("data.train", "row " + sourceRow.applyAsLong(i / labelWidth) + " has label " + l[i]
                        + ", but the model's last layer has " + numClasses + " outputs (classes 0.." + (numClasses - 1) + ")");
            }
        }
    }

    /** A weight that is not finite and > 0 fails here, naming its row. */
    private void checkWeights(float[] w, int count, IntToLongFunction sourceRow) throws DataFormatException {
        for (int i = 0; i < count; i++) {
            if (!SampleWeights.allowed(w[i])) {
                throw new DataFormatException("data.weight_column", "row " + sourceRow.applyAsLong(i) + " has weight " + w[i]
                        + "; it must hold " + SampleWeights.rule());
            }
        }
    }

    private void writeLabels(float[] l, int count) throws IOException {
        spool.write(floats(l, count * labelWidth), start + featureBytes + 4L * written * labelWidth);
    }

    private static ByteBuffer floats(float[] values, int count) {
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values, 0, count);
        return b;
    }

    /** The shard, once every row is in (a spool file is committed under its final name). */
    public Shard finish() throws IOException {
        if (written != rows) throw new IllegalStateException("shard " + index + ": " + written + " of " + rows + " rows written");
        String path = spool == null ? null : spool.commit().toString();
        return new Shard(index, rows, features, labels, weights, weighted, path, codec, sampleShape, labelWidth, numClasses);
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
