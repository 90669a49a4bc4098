package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.worker.Shard;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Turns a DataFrame's (features, label) columns into the trainer's shards: checks every row in one
 * aggregate pass before training (nulls, ragged rows, width, label range), then deals each row to the
 * worker owning its virtual shard and packs each worker's rows into one {@link Shard}.
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
     * Exactly {@code workers} partitions of one shard each, holding the virtual shards that worker owns in source order
     * ({@code ShardPlanner}'s layout, which the data order relies on); samples of {@code sampleShape}, labels as class
     * indices or targets. {@code rowCount} is the rows' count (from {@link #check}).
     */
    public static JavaRDD<Shard> pack(Dataset<Row> rows, long rowCount, int workers, int virtualShards, long[] sampleShape, int classes) {
        return rows.javaRDD().zipWithIndex()
                .mapToPair(new DealRow(rowCount, virtualShards, workers))
                .partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex(new PackShard(sampleShape, classes), true);
    }

    /** Row i goes to the worker owning its virtual shard, as (i, features with the label appended). */
    private record DealRow(long rowCount, int virtualShards, int workers)
            implements PairFunction<Tuple2<Row, Long>, Integer, Tuple2<Long, float[]>> {
        @Override
        public Tuple2<Integer, Tuple2<Long, float[]>> call(Tuple2<Row, Long> t) {
            float[] f = FeatureColumns.values(t._1, 0);
            float[] withLabel = java.util.Arrays.copyOf(f, f.length + 1);
            withLabel[f.length] = (float) t._1.getDouble(1);
            // VirtualShards' range(v) is [v·n/V, (v+1)·n/V): row i lies in the one shard v = ((i+1)·V − 1) / n.
            int shard = (int) (((t._2 + 1) * virtualShards - 1) / rowCount);
            return new Tuple2<>(shard % workers, new Tuple2<>(t._2, withLabel));
        }
    }

    /** Executor side: a worker's rows, in source order, into the two contiguous arrays of a {@link Shard}. */
    private record PackShard(long[] sampleShape, int classes)
            implements Function2<Integer, Iterator<Tuple2<Integer, Tuple2<Long, float[]>>>, Iterator<Shard>> {
        @Override
        public Iterator<Shard> call(Integer k, Iterator<Tuple2<Integer, Tuple2<Long, float[]>>> it) {
            List<Tuple2<Long, float[]>> indexed = new ArrayList<>();
            it.forEachRemaining(t -> indexed.add(t._2));
            // A shuffle delivers rows in any order; the data order needs each worker's shards in source order.
            indexed.sort(java.util.Comparator.comparingLong(t -> t._1()));
            List<float[]> rows = indexed.stream().map(Tuple2::_2).toList();
            int w = (int) io.spindle.core.nn.Buffers.product(sampleShape);
            float[] features = new float[rows.size() * w], labels = new float[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, features, r * w, w);
                labels[r] = rows.get(r)[w];
            }
            return List.of(new Shard(k, rows.size(), features, labels, sampleShape, 1, classes)).iterator();
        }
    }
}
