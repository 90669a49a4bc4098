package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;

/**
 * Validation or test rows, cut into one contiguous part per partition where the executors will evaluate them. Rows the
 * driver already holds (read on the driver, or drawn there for a split) are shipped from it; an IDX pair's records are
 * read by each executor for its own part, and a DataFrame's rows are dealt by the executors in one shuffle: neither
 * reaches the driver.
 */
public interface HeldOutRows {

    /** How many rows there are. */
    long rows();

    /** The rows as exactly {@code parts} partitions of one shard each. */
    JavaRDD<Shard> parts(JavaSparkContext sc, int parts);

    /** Rows in driver memory. */
    static HeldOutRows of(Dataset rows) {
        return new HeldOutRows() {
            @Override
            public long rows() {
                return rows.size();
            }

            @Override
            public JavaRDD<Shard> parts(JavaSparkContext sc, int parts) {
                return sc.parallelize(ShardPlanner.split(rows, parts, parts), parts);
            }
        };
    }

    /**
     * An IDX pair ({@code labels} null: beside the images) of {@code header}'s shape, whose labels are classes below
     * {@code classes} (0 for regression): part k is read by its executor, records [k·n/P, (k+1)·n/P), as the pixels'
     * bytes (decoded as the IDX reader decodes them, the same floats).
     */
    static HeldOutRows idx(String images, String labels, IdxRecords.Header header, int classes) {
        IdxShardReader reader = new IdxShardReader(images, labels, header.rows(), header.sampleShape(), classes);
        return new HeldOutRows() {
            @Override
            public long rows() {
                return header.rows();
            }

            @Override
            public JavaRDD<Shard> parts(JavaSparkContext sc, int parts) {
                return sc.parallelize(java.util.stream.IntStream.range(0, parts).boxed().toList(), parts).map(new ReadIdxPart(reader, parts));
            }
        };
    }

    /** Executor side of {@link #idx}: part k of {@code parts}, its records only. */
    record ReadIdxPart(IdxShardReader reader, int parts) implements org.apache.spark.api.java.function.Function<Integer, Shard> {
        @Override
        public Shard call(Integer k) throws java.io.IOException {
            long[] shape = reader.sampleShape();
            return reader.read(k, parts, parts, io.spindle.core.data.IdxReader.pixelCodec((int) (shape[1] * shape[2])), null);
        }
    }

    /**
     * A DataFrame's checked (f, y) rows, {@code rows} of them (from {@link DataFrameShards#check}), of {@code sampleShape}
     * and {@code classes} (0 for regression), ranked by a hash seeded with {@code seed} and cut into contiguous parts.
     */
    static HeldOutRows of(org.apache.spark.sql.Dataset<Row> frame, long rows, long[] sampleShape, int classes, long seed) {
        return new HeldOutRows() {
            @Override
            public long rows() {
                return rows;
            }

            @Override
            public JavaRDD<Shard> parts(JavaSparkContext sc, int parts) {
                // As many virtual shards as parts: part k is the k-th contiguous block of the ranked rows.
                return DataFrameShards.pack(frame, rows, parts, parts, seed, sampleShape, classes, ValueCodec.plain(Encoding.FLOAT32), null);
            }
        };
    }
}
