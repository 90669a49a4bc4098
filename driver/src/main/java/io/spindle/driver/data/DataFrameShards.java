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
 * aggregate pass before training (nulls, ragged rows, width, label range), then deals row i to
 * worker i mod N (balanced to within one row) and packs each worker's rows into one {@link Shard}.
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
     * Exactly {@code workers} partitions of one shard each; samples of {@code sampleShape}, labels as class indices or
     * targets, and sample weights when the rows carry {@link WeightColumn} {@code w}.
     */
    public static JavaRDD<Shard> pack(Dataset<Row> rows, int workers, long[] sampleShape, int classes) {
        boolean weighted = WeightColumn.in(rows.schema());
        return rows.javaRDD().zipWithIndex()
                .mapToPair(new DealRow(workers, weighted))
                .partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex(new PackShard(sampleShape, classes, weighted), true);
    }

    /** Row i goes to worker i mod N, as features with the label (and the weight) appended. */
    private record DealRow(int workers, boolean weighted) implements PairFunction<Tuple2<Row, Long>, Integer, float[]> {
        @Override
        public Tuple2<Integer, float[]> call(Tuple2<Row, Long> t) {
            float[] f = FeatureColumns.values(t._1, 0);
            float[] withLabel = java.util.Arrays.copyOf(f, f.length + (weighted ? 2 : 1));
            withLabel[f.length] = (float) t._1.getDouble(1);
            if (weighted) withLabel[f.length + 1] = (float) t._1.getDouble(2);
            return new Tuple2<>((int) (t._2 % workers), withLabel);
        }
    }

    /** Executor side: a worker's rows into the two contiguous arrays of a {@link Shard}. */
    private record PackShard(long[] sampleShape, int classes, boolean weighted)
            implements Function2<Integer, Iterator<Tuple2<Integer, float[]>>, Iterator<Shard>> {
        @Override
        public Iterator<Shard> call(Integer k, Iterator<Tuple2<Integer, float[]>> it) {
            List<float[]> rows = new ArrayList<>();
            it.forEachRemaining(t -> rows.add(t._2));
            int w = (int) io.spindle.core.nn.Buffers.product(sampleShape);
            float[] features = new float[rows.size() * w], labels = new float[rows.size()], weights = weighted ? new float[rows.size()] : null;
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, features, r * w, w);
                labels[r] = rows.get(r)[w];
                if (weighted) weights[r] = rows.get(r)[w + 1];
            }
            return List.of(new Shard(k, rows.size(), features, labels, sampleShape, 1, classes, weights)).iterator();
        }
    }
}
