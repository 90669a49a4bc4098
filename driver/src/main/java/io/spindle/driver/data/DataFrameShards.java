package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.VirtualShards;
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
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Turns a DataFrame's (features, label) columns into the trainer's shards: checks every row in one
 * aggregate pass before training (nulls, ragged rows, width, label range), then deals each row to the worker owning its
 * virtual shard in one shuffle ({@link HashRankDeal}) and packs each worker's rows into one {@link Shard} as they stream in.
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
     * Exactly {@code workers} partitions of one shard each, holding the virtual shards that worker owns in row order
     * ({@code ShardPlanner}'s layout, which the data order relies on). A row's index is its rank by a seeded hash of its
     * content, so the shards depend on neither the source's partitioning nor the order Spark reads it in (two equal
     * rows may swap places, which changes no bit). The rows stay in Spark's own format through one shuffle
     * ({@link HashRankDeal}); each worker stores its rows by {@code codec} as they stream in, into memory or (when
     * {@code spool} is given) its spool file, with their sample weights when the rows carry {@link WeightColumn}
     * {@code w}. {@code rowCount} is the rows' count (from {@link #check}). After a lost executor Spark recomputes the
     * lost worker's partition from the source.
     */
    public static JavaRDD<Shard> pack(Dataset<Row> rows, long rowCount, int workers, int virtualShards, long seed, long[] sampleShape,
                                      int classes, ValueCodec codec, ShardSpool spool) {
        boolean weighted = WeightColumn.in(rows.schema());
        Column key = xxhash64(lit(seed), col("f"), col("y")).as("k");
        Dataset<Row> keyed = weighted ? rows.select(col("f"), col("y"), col(WeightColumn.NAME), key) : rows.select(col("f"), col("y"), key);
        HashRankDeal deal = HashRankDeal.plan(keyed, rowCount, workers, virtualShards);
        VirtualShards shards = new VirtualShards(rowCount, virtualShards);
        long[] counts = new long[workers];
        for (int k = 0; k < workers; k++) counts[k] = shards.rowsOf(k, workers);
        return deal.dealt(keyed, weighted).javaRDD()
                .mapPartitionsWithIndex(new PackRows(counts, sampleShape, classes, codec, weighted, spool, deal.ranks()), true);
    }

    /** Where a worker spools its shard (executor side); absent when shards stay in memory. */
    public interface ShardSpool extends java.io.Serializable {
        Path fileFor(int worker) throws IOException;
    }

    /**
     * Executor side: a worker's rows as the deal sorted them (by bucket, then hash), each given its index as it streams
     * past; the rows of buckets shared with another worker that are not this worker's are skipped. Block by block into
     * its {@link Shard}; nothing per row is kept.
     */
    private record PackRows(long[] counts, long[] sampleShape, int classes, ValueCodec codec, boolean weighted, ShardSpool spool,
                            HashRankDeal.Ranks ranks) implements Function2<Integer, Iterator<Row>, Iterator<Shard>> {
        private static final int BLOCK_VALUES = 1 << 18;

        @Override
        public Iterator<Shard> call(Integer k, Iterator<Row> it) throws IOException {
            int w = (int) io.spindle.core.nn.Buffers.product(sampleShape);
            int block = Math.max(1, BLOCK_VALUES / w);
            float[] f = new float[block * w], l = new float[block], weights = weighted ? new float[block] : null;
            int bucketAt = weighted ? 3 : 2, ownerAt = bucketAt + 1;
            HashRankDeal.Indexer indexer = ranks.indexer();
            try (ShardWriter out = new ShardWriter(k, Math.toIntExact(counts[k]), sampleShape, 1, classes, codec, weighted,
                    spool == null ? null : spool.fileFor(k))) {
                long[] source = new long[block];
                int n = 0;
                while (it.hasNext()) {
                    Row r = it.next();
                    HashRankDeal.checkPlaced(r.getInt(ownerAt), k);
                    long i = indexer.next(r.getInt(bucketAt));
                    if (ranks.owner(i) != k) continue;
                    source[n] = i;
                    System.arraycopy(FeatureColumns.values(r, 0), 0, f, n * w, w);
                    l[n] = (float) r.getDouble(1);
                    if (weighted) weights[n] = (float) r.getDouble(2);
                    if (++n == block) {
                        out.add(f, l, weights, n, j -> source[j]);
                        n = 0;
                    }
                }
                if (n > 0) out.add(f, l, weights, n, j -> source[j]);
                return List.of(out.finish()).iterator();
            }
        }
    }
}
