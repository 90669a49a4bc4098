package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.data.RowSelection;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.CsvSplits;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;

import java.util.stream.IntStream;

/**
 * Validation or test rows, {@code rows} of them, cut into one contiguous part per partition where the executors will
 * evaluate them. Rows the driver already holds (given to the API) are shipped from it. An
 * IDX pair's records and a CSV file's rows are read by each executor for its own part, and a DataFrame's rows are dealt
 * by the executors in one shuffle: none of these reaches the driver.
 */
public record HeldOutRows(long rows, Cut cut) {

    /** How the rows become exactly {@code parts} partitions of one shard each. */
    @FunctionalInterface
    public interface Cut {
        JavaRDD<Shard> parts(JavaSparkContext sc, int parts);
    }

    /** The rows as exactly {@code parts} partitions of one shard each. */
    public JavaRDD<Shard> parts(JavaSparkContext sc, int parts) {
        return cut.parts(sc, parts);
    }

    /** Rows in driver memory; null (no rows) stays null. */
    public static HeldOutRows of(Dataset rows) {
        if (rows == null) return null;
        return new HeldOutRows(rows.size(), (sc, parts) -> sc.parallelize(ShardPlanner.split(rows, parts, parts), parts));
    }

    /**
     * An IDX pair ({@code labels} null: beside the images) of {@code header}'s shape, whose labels are classes below
     * {@code classes} (0 for regression): part k is read by its executor, records [k·n/P, (k+1)·n/P), as the pixels'
     * bytes (decoded as the IDX reader decodes them, the same floats).
     */
    public static HeldOutRows idx(String images, String labels, IdxRecords.Header header, int classes) {
        return idx(images, labels, header, RowSelection.all(header.rows()), classes);
    }

    /** The {@code selected} records of an IDX pair, as {@link #idx(String, String, IdxRecords.Header, int)} reads them all. */
    public static HeldOutRows idx(String images, String labels, IdxRecords.Header header, RowSelection selected, int classes) {
        IdxShardReader reader = new IdxShardReader(images, labels, selected, header.sampleShape(), classes);
        return read(selected.rows(), reader, IdxReader.pixelCodec(header.pixels()));
    }

    /**
     * The {@code selected} rows of a CSV file that {@link CsvSplits} checked: part k is read by its executor, selected rows
     * [k·n/P, (k+1)·n/P), from the splits that hold them.
     */
    public static HeldOutRows csv(CsvSplits splits, RowSelection selected) {
        return read(selected.rows(), new CsvShardReader(splits, selected), ValueCodec.plain(Encoding.FLOAT32));
    }

    private static HeldOutRows read(long rows, SourcePart source, ValueCodec codec) {
        return new HeldOutRows(rows, (sc, parts) -> sc.parallelize(IntStream.range(0, parts).boxed().toList(), parts).map(new ReadPart(source, parts, codec)));
    }

    /** Executor side of a source read in parts: part k of {@code parts}, its rows only (as many virtual shards as parts). */
    private record ReadPart(SourcePart source, int parts, ValueCodec codec) implements Function<Integer, Shard> {
        @Override
        public Shard call(Integer k) throws java.io.IOException {
            return source.read(k, parts, parts, codec, null);
        }
    }

    /**
     * A DataFrame's checked (f, y) rows, {@code rows} of them (from {@link DataFrameShards#check}), of {@code sampleShape}
     * and {@code classes} (0 for regression), ranked by a hash seeded with {@code seed} and cut into contiguous parts.
     */
    public static HeldOutRows of(org.apache.spark.sql.Dataset<Row> frame, long rows, long[] sampleShape, int classes, long seed) {
        // As many virtual shards as parts: part k is the k-th contiguous block of the ranked rows.
        return new HeldOutRows(rows, (sc, parts) -> DataFrameShards.pack(frame, rows, parts, parts, seed, sampleShape, classes,
                ValueCodec.plain(Encoding.FLOAT32), null));
    }
}
