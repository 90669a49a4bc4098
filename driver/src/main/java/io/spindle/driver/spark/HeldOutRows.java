package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;

/**
 * Validation or test rows, cut into one contiguous part per partition where the executors will evaluate them. Rows the
 * driver already holds (read on the driver, or drawn there for a split) are shipped from it; a DataFrame's rows are
 * dealt by the executors themselves, in one shuffle, and never reach the driver.
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
