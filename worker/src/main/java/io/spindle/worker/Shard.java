package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.SpoolFile;
import io.spindle.core.data.store.StoredRows;
import io.spindle.core.data.store.ValueCodec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One worker's rows as Spark caches them (with Kryo), so later epochs and a resumed attempt never re-read the source:
 * either in memory (features encoded by a {@link ValueCodec} in one byte array, labels as floats) or as the name of
 * a spool file on this executor's local disk that {@link ShardWriter} wrote (features, then labels, in the same layout).
 * Weighted rows carry one float32 sample weight each, beside the labels (null: every row weighs 1).
 */
public final class Shard implements java.io.Serializable {
    private static final long serialVersionUID = 3L;
    private int index;
    private int rows;
    private byte[] features;   // null when spooled
    private float[] labels;    // null when spooled
    private float[] weights;   // null when spooled or unweighted
    private boolean weighted;
    private String encoding;
    private float[] divisors, offsets;
    private String spool;      // the spool file; null in memory
    private long[] sampleShape;
    private int labelWidth;
    private int numClasses;

    /** For Kryo. */
    Shard() {
    }

    /** {@code weights} is null when unweighted or spooled ({@code weighted} then says whether the spool file holds them). */
    Shard(int index, int rows, byte[] features, float[] labels, float[] weights, boolean weighted, String spool, ValueCodec codec,
                  long[] sampleShape, int labelWidth, int numClasses) {
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("shard " + index + ": " + rows + " rows do not match " + weights.length + " weights");
        }
        this.index = index;
        this.weights = weights;
        this.weighted = weighted;
        this.rows = rows;
        this.features = features;
        this.labels = labels;
        this.spool = spool;
        this.encoding = codec.encoding().name();
        this.divisors = codec.divisors();
        this.offsets = codec.offsets();
        this.sampleShape = sampleShape.clone();
        this.labelWidth = labelWidth;
        this.numClasses = numClasses;
    }

    /** Rows already packed as float32 (a DataFrame partition): stored as they are. */
    public Shard(int index, int rows, float[] features, float[] labels, long[] sampleShape, int labelWidth, int numClasses) {
        this(index, rows, features, labels, sampleShape, labelWidth, numClasses, null);
    }

    /** As the unweighted shard, with {@code weights} (one per row, or null) beside the labels. */
    public Shard(int index, int rows, float[] features, float[] labels, long[] sampleShape, int labelWidth, int numClasses, float[] weights) {
        this(index, rows, ShardWriter.floatBytes(features), labels, weights, weights != null, null, ValueCodec.plain(Encoding.FLOAT32), sampleShape, labelWidth,
                numClasses);
        long width = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (features.length != (long) rows * width || labels.length != (long) rows * labelWidth) {
            throw new IllegalArgumentException("shard " + index + ": " + rows + " rows do not match " + features.length
                    + " feature values / " + labels.length + " label values");
        }
    }

    /** The rows {@code rowIndices} of {@code data} as float32, in memory. */
    public static Shard of(int index, Dataset data, int[] rowIndices) {
        try {
            return of(index, data, rowIndices, ValueCodec.plain(Encoding.FLOAT32), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The rows {@code rowIndices} of {@code data} stored by {@code codec}, in memory or (with a {@code spool} file) on disk;
     * a value the codec cannot hold fails naming its feature and its row of {@code data}.
     */
    public static Shard of(int index, Dataset data, int[] rowIndices, ValueCodec codec, Path spool) throws IOException {
        int width = (int) data.features().size(1), lw = (int) data.labelWidth();
        try (ShardWriter out = new ShardWriter(index, rowIndices.length, data.sampleShape(), lw, data.numClasses(), codec, data.weighted(), spool)) {
            int block = Math.max(1, (1 << 20) / Math.max(1, width));
            for (int from = 0; from < rowIndices.length; from += block) {
                int[] part = Arrays.copyOfRange(rowIndices, from, Math.min(rowIndices.length, from + block));
                float[] f = Nd4j.pullRows(data.features(), 1, part).castTo(DataType.FLOAT).data().asFloat();
                float[] l = Nd4j.pullRows(data.labels(), 1, part).castTo(DataType.FLOAT).data().asFloat();
                float[] w = data.weighted() ? Nd4j.pullRows(data.weights(), 1, part).castTo(DataType.FLOAT).data().asFloat() : null;
                out.add(f, l, w, part.length, i -> part[i]);
            }
            return out.finish();
        }
    }

    /** The shard a complete spool file on this machine holds (a resumed attempt finds it where the first one wrote it). */
    public static Shard openSpool(Path file) throws IOException {
        SpoolHeader h = SpoolHeader.read(file);
        return new Shard(h.index(), h.rows(), null, null, null, h.weighted(), file.toString(), h.codec(), h.sampleShape(), h.labelWidth(),
                h.numClasses());
    }

    /** This in-memory shard written to {@code file} (its encoded bytes as they are); returns the spooled shard. */
    public Shard spoolTo(Path file) throws IOException {
        if (spool != null) return this;
        ValueCodec codec = codec();
        SpoolHeader header = new SpoolHeader(index, rows, sampleShape, labelWidth, numClasses, codec, weighted);
        long start = header.bytes();
        SpoolFile.write(file, start + features.length + 4L * labels.length + (weighted ? 4L * rows : 0), out -> {
            out.write(header.encode(), 0);
            out.write(ByteBuffer.wrap(features), start);
            out.write(ByteBuffer.wrap(ShardWriter.floatBytes(labels)), start + features.length);
            if (weighted) out.write(ByteBuffer.wrap(ShardWriter.floatBytes(weights)), start + features.length + 4L * labels.length);
        });
        return openSpool(file);
    }

    /** The rows where they are kept: the heap arrays themselves, or the spool file mapped read-only. */
    public StoredRows toRows() {
        ValueCodec codec = codec();
        int width = Math.toIntExact(Arrays.stream(sampleShape).reduce(1, Math::multiplyExact));
        if (spool == null) {
            RowStore f = RowStore.of(features, rows, width, codec);
            RowStore l = RowStore.of(Nd4j.create(labels, new long[] {rows, labelWidth}, 'c'));
            RowStore w = weighted ? RowStore.of(Nd4j.create(weights, new long[] {rows, 1}, 'c')) : null;
            return new StoredRows(f, l, w, sampleShape, numClasses);
        }
        try {
            Path file = Path.of(spool);
            long start = new SpoolHeader(index, rows, sampleShape, labelWidth, numClasses, codec, weighted).bytes();
            long featureBytes = (long) rows * width * codec.encoding().bytes();
            long labelBytes = 4L * rows * labelWidth;
            ValueCodec f32 = ValueCodec.plain(Encoding.FLOAT32);
            return new StoredRows(RowStore.mapped(file, start, rows, width, codec),
                    RowStore.mapped(file, start + featureBytes, rows, labelWidth, f32),
                    weighted ? RowStore.mapped(file, start + featureBytes + labelBytes, rows, 1, f32) : null, sampleShape, numClasses);
        } catch (IOException e) {
            throw new UncheckedIOException("shard " + index + ": its spool file " + spool + " cannot be mapped: " + e.getMessage(), e);
        }
    }

    /** Every row decoded into float32 arrays: for evaluation and tests. */
    public Dataset toDataset() {
        return toRows().toDataset(DataType.FLOAT);
    }

    private ValueCodec codec() {
        Encoding e = Encoding.valueOf(encoding);
        return e == Encoding.UINT8 ? ValueCodec.uint8(divisors, offsets) : ValueCodec.plain(e);
    }

    public int index() {
        return index;
    }

    public int rows() {
        return rows;
    }

    /** The spool file, or null when the rows are in memory. */
    public String spool() {
        return spool;
    }

    /** The bytes the rows take in memory: the encoded features and the labels (a spooled shard keeps none). */
    public long memoryBytes() {
        return spool != null ? 0 : features.length + 4L * labels.length + (weights == null ? 0 : 4L * weights.length);
    }
}
