package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.worker.Shard;
import io.spindle.worker.ShardWriter;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Turns a DataFrame's (features, label) columns into the trainer's shards: checks every row in one
 * aggregate pass before training (nulls, ragged rows, width, label range), then deals the rows to the workers by a seeded
 * hash in one repartition and packs each worker's rows into one {@link Shard} as they stream in.
 */
public final class DataFrameShards {
    /** What the checking pass learned: row count, and an order-independent fingerprint of the rows. */
    public record Stats(long rows, String fingerprint) {
    }

    private DataFrameShards() {
    }

    /**
     * {@code rows} must have columns {@code f} (array&lt;float&gt;) and {@code y} (double); {@code classes} 0 for
     * regression. Errors name {@code featuresField}/{@code labelField} (a param or a job field) and the column.
     */
    public static Stats check(Dataset<Row> rows, String featuresField, String featuresCol, String labelField, String labelCol,
                              long width, int classes) {
        Column isNullF = when(col("f").isNull(), 1).otherwise(0), isNullY = when(col("y").isNull(), 1).otherwise(0);
        Row s = rows.agg(count(lit(1)), sum(isNullF), sum(isNullY), min(size(col("f"))), max(size(col("f"))),
                min(col("y")), max(col("y")), sum(when(col("y").notEqual(floor(col("y"))), 1).otherwise(0)),
                expr("bit_xor(xxhash64(f, y))")).first();
        long n = s.getLong(0);
        if (n == 0) throw new ConfigException("dataset", "has no rows to train on");
        if (s.getLong(1) > 0) throw new ConfigException(featuresField, featuresCol, "a column without nulls; " + s.getLong(1) + " rows are null");
        if (s.getLong(2) > 0) throw new ConfigException(labelField, labelCol, "a column without nulls; " + s.getLong(2) + " rows are null");
        int minWidth = s.getInt(3), maxWidth = s.getInt(4);
        if (minWidth != maxWidth) {
            throw new ConfigException(featuresField, featuresCol, "rows of one width; they are ragged, holding " + minWidth + " to " + maxWidth + " values");
        }
        if (minWidth != width) {
            throw new ConfigException(featuresField, featuresCol, "rows of " + width + " values, the network's input size; they hold " + minWidth);
        }
        if (classes > 0) {
            double lo = s.getDouble(5), hi = s.getDouble(6);
            if (s.getLong(7) > 0 || lo < 0 || hi >= classes) {
                throw new ConfigException(labelField, labelCol, "class indices 0.." + (classes - 1) + " (the network's last layer has "
                        + classes + " units); labels range over [" + lo + ", " + hi + "]"
                        + (s.getLong(7) > 0 ? " and " + s.getLong(7) + " are not whole numbers" : ""));
            }
        }
        return new Stats(n, String.format("xxhash64-xor:%016x:rows=%d", s.getLong(8), n));
    }

    /**
     * Which worker a row goes to: a seeded hash of its content, so the deal depends on neither the source's partitioning
     * nor the order Spark reads it in (two equal rows may swap places, which changes no bit).
     */
    private static Column key(long seed) {
        return xxhash64(lit(seed), col("f"), col("y"));
    }

    /** How many rows each of {@code workers} workers gets, from one aggregate pass (the repartition's own partition function). */
    public static long[] counts(Dataset<Row> rows, int workers, long seed) {
        long[] counts = new long[workers];
        for (Row r : rows.select(pmod(hash(key(seed)), lit(workers)).as("worker")).groupBy("worker").count().collectAsList()) {
            counts[r.getInt(0)] = r.getLong(1);
        }
        return counts;
    }

    /**
     * Exactly {@code workers} partitions of one shard each, from one seeded repartition in Spark's own row format, each
     * sorted by its key so the order is the same run after run; {@code counts} from {@link #counts}. Each worker stores its
     * rows by {@code codec} as they stream in, into memory or (when {@code spool} is given) its spool file, with their sample
     * weights when the rows carry {@link WeightColumn} {@code w}.
     */
    public static JavaRDD<Shard> pack(Dataset<Row> rows, int workers, long seed, long[] counts, long[] sampleShape, int classes,
                                      ValueCodec codec, ShardSpool spool) {
        boolean weighted = WeightColumn.in(rows.schema());
        Dataset<Row> dealt = rows.withColumn("k", key(seed)).repartition(workers, col("k")).sortWithinPartitions("k");
        dealt = weighted ? dealt.select("f", "y", WeightColumn.NAME) : dealt.select("f", "y");
        return dealt.javaRDD().mapPartitionsWithIndex(new PackRows(counts, sampleShape, classes, codec, weighted, spool), true);
    }

    /** Where a worker spools its shard (executor side); absent when shards stay in memory. */
    public interface ShardSpool extends java.io.Serializable {
        Path fileFor(int worker) throws IOException;
    }

    /** Executor side: a worker's rows, block by block, into its {@link Shard}; nothing per row is kept. */
    private record PackRows(long[] counts, long[] sampleShape, int classes, ValueCodec codec, boolean weighted, ShardSpool spool)
            implements Function2<Integer, Iterator<Row>, Iterator<Shard>> {
        private static final int BLOCK_VALUES = 1 << 18;

        @Override
        public Iterator<Shard> call(Integer k, Iterator<Row> it) throws IOException {
            int w = (int) io.spindle.core.nn.Buffers.product(sampleShape);
            int block = Math.max(1, BLOCK_VALUES / w);
            float[] f = new float[block * w], l = new float[block], weights = weighted ? new float[block] : null;
            try (ShardWriter out = new ShardWriter(k, Math.toIntExact(counts[k]), sampleShape, 1, classes, codec, weighted,
                    spool == null ? null : spool.fileFor(k))) {
                long done = 0;
                while (it.hasNext()) {
                    int n = 0;
                    for (; n < block && it.hasNext(); n++) {
                        Row r = it.next();
                        System.arraycopy(FeatureColumns.values(r, 0), 0, f, n * w, w);
                        l[n] = (float) r.getDouble(1);
                        if (weighted) weights[n] = (float) r.getDouble(2);
                    }
                    long first = done;
                    out.add(f, l, weights, n, i -> first + i);
                    done += n;
                }
                return List.of(out.finish()).iterator();
            }
        }
    }
}
