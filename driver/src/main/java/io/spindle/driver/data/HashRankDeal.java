package io.spindle.driver.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.shiftright;

/**
 * Deals a DataFrame's rows to the workers by their rank in a seeded hash order, in one shuffle of Spark's own rows and
 * without numbering the rows first. The hash's top bits put each row in one of {@link #BUCKETS} buckets that follow the
 * hash order; one aggregate counts each bucket's rows, which gives the bucket its range of row indices and so the
 * workers that own part of it (the owners of the virtual shards the range touches). A row goes to every owner of its
 * bucket: a bucket that two virtual shards share goes to both owners, which is a few rows per thousand. Each worker
 * sorts its rows by hash and numbers them as they stream past, keeping its own.
 */
final class HashRankDeal {
    static final int BUCKET_BITS = 12;
    static final int BUCKETS = 1 << BUCKET_BITS;
    /** The seed of Spark's hash partitioning (HashPartitioning hashes with Murmur3Hash's default seed). */
    private static final int SPARK_PARTITION_HASH_SEED = 42;

    private final Ranks ranks;

    private HashRankDeal(Ranks ranks) {
        this.ranks = ranks;
    }

    /** {@code keyed} has the rows' seeded hash as column {@code k}; one aggregate pass counts the buckets. */
    static HashRankDeal plan(Dataset<Row> keyed, long rowCount, int workers, int virtualShards) {
        long[] first = new long[BUCKETS + 1];
        for (Row r : keyed.select(bucket().as("b")).groupBy("b").count().collectAsList()) first[r.getInt(0) + 1] = r.getLong(1);
        for (int b = 0; b < BUCKETS; b++) first[b + 1] += first[b];
        if (first[BUCKETS] != rowCount) {
            throw new IllegalStateException("the training rows changed while they were read: " + rowCount + " rows were checked, "
                    + first[BUCKETS] + " counted next");
        }
        return new HashRankDeal(new Ranks(first, rowCount, virtualShards, workers));
    }

    /** A row's bucket: the top bits of its hash, so buckets follow the signed order of the hashes. */
    private static Column bucket() {
        return shiftright(col("k"), 64 - BUCKET_BITS).plus(BUCKETS / 2).cast("int");
    }

    Ranks ranks() {
        return ranks;
    }

    /**
     * {@code keyed}'s rows, each in the partition of every worker that owns part of its bucket, sorted by hash within
     * the partition: columns f, y, (w,) b (the bucket) and o (the worker it was sent to).
     */
    Dataset<Row> dealt(Dataset<Row> keyed, boolean weighted) {
        int[] partitionKeys = partitionKeys(ranks.workers());
        List<Row> owners = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) for (int o : ranks.ownersOf(b)) owners.add(RowFactory.create(b, o, partitionKeys[o]));
        StructType schema = new StructType().add("b", DataTypes.IntegerType, false).add("o", DataTypes.IntegerType, false)
                .add("p", DataTypes.IntegerType, false);
        Dataset<Row> table = keyed.sparkSession().createDataFrame(owners, schema);
        Dataset<Row> sent = keyed.withColumn("b", bucket()).join(broadcast(table), "b")
                .repartition(ranks.workers(), col("p"));
        Dataset<Row> sorted = weighted ? sent.sortWithinPartitions(col("b"), col("k"), col(WeightColumn.NAME))
                : sent.sortWithinPartitions(col("b"), col("k"));
        return weighted ? sorted.select(col("f"), col("y"), col(WeightColumn.NAME), col("b"), col("o"))
                : sorted.select(col("f"), col("y"), col("b"), col("o"));
    }

    /**
     * For each worker o a key that Spark's hash partitioning into {@code workers} partitions sends to partition o, so
     * that partition k holds exactly worker k's rows ({@link #checkPlaced} verifies it on every row).
     */
    private static int[] partitionKeys(int workers) {
        int[] keys = new int[workers];
        boolean[] found = new boolean[workers];
        int left = workers;
        for (int x = 0; left > 0; x++) {
            if (x == Integer.MAX_VALUE) throw new IllegalStateException("no key reaches every one of " + workers + " partitions");
            int partition = Math.floorMod(Murmur3_x86_32.hashInt(x, SPARK_PARTITION_HASH_SEED), workers);
            if (!found[partition]) {
                found[partition] = true;
                keys[partition] = x;
                left--;
            }
        }
        return keys;
    }

    /** Executor side: a row sent to worker {@code owner} must be in partition {@code owner}. */
    static void checkPlaced(int owner, int partition) {
        if (owner != partition) {
            throw new IllegalStateException("a row dealt to worker " + owner + " arrived in partition " + partition
                    + ": this Spark's hash partitioning differs from the one the deal was planned for");
        }
    }

    /**
     * Where each bucket's rows lie in the hash order ({@code first[b]} is the index of bucket b's first row), and which
     * worker owns an index: virtual shard v holds indices [v·n/V, (v+1)·n/V), and worker v mod N owns it.
     */
    record Ranks(long[] first, long rows, int virtualShards, int workers) implements java.io.Serializable {
        int owner(long index) {
            return (int) (virtualShard(index) % workers);
        }

        private long virtualShard(long index) {
            return ((index + 1) * virtualShards - 1) / rows;
        }

        /** The workers owning part of bucket {@code b}'s index range, none for an empty bucket. */
        List<Integer> ownersOf(int b) {
            List<Integer> owners = new ArrayList<>();
            if (first[b] == first[b + 1]) return owners;
            for (long v = virtualShard(first[b]); v <= virtualShard(first[b + 1] - 1) && owners.size() < workers; v++) {
                int o = (int) (v % workers);
                if (!owners.contains(o)) owners.add(o);
            }
            return owners;
        }

        /** Numbers a worker's rows, which arrive bucket by bucket, each bucket whole and in hash order. */
        Indexer indexer() {
            return new Indexer(first);
        }
    }

    /** The index of each row as a worker's sorted rows stream past. */
    static final class Indexer {
        private final long[] first;
        private int bucket = -1;
        private long next;

        private Indexer(long[] first) {
            this.first = first;
        }

        long next(int b) {
            if (b != bucket) {
                if (b < bucket) throw new IllegalStateException("bucket " + b + " arrived after bucket " + bucket + ": the rows are not sorted");
                bucket = b;
                next = first[b];
            }
            if (next >= first[b + 1]) {
                throw new IllegalStateException("bucket " + b + " holds more rows than the " + (first[b + 1] - first[b])
                        + " counted: the training rows changed while they were read");
            }
            return next++;
        }
    }
}
