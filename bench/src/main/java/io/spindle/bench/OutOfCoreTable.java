package io.spindle.bench;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes {@code bench/run out-of-core}'s table with Spark: rows of 784 features and a class in 0..9 that a fixed random
 * teacher network (784 → 32 tanh → 10, argmax) gives them, as Parquet ({@code features} array&lt;float&gt;, {@code label}
 * int). Row i depends only on i, so a table's first rows are the same rows whatever its length. Each feature is one of
 * 256 levels, (b − 128) / 64 for a byte b: the values are exact in float32 and Parquet's dictionary keeps them near a byte
 * each on disk, while the data as float32 (what the workers keep) is 4 bytes a value.
 * <p>
 * Usage: {@code OutOfCoreTable DIR NAME ROWS [FIRST_ROW]} writes {@code DIR/NAME.parquet} (rows FIRST_ROW.. of the
 * sequence; the test table starts past the training rows). {@code OutOfCoreTable --read TABLE} times one read of every
 * value of a table by 2 tasks (each reads half, as each of 2 workers reads its part): what the first step is compared with.
 */
public final class OutOfCoreTable {
    static final int FEATURES = 784, HIDDEN = 32, CLASSES = 10;
    private static final long TEACHER_SEED = 16;

    private OutOfCoreTable() {
    }

    public static void main(String[] args) {
        if (args[0].equals("--read")) {
            timeOneRead(args[1]);
            return;
        }
        String dir = args[0], name = args[1];
        long rows = Long.parseLong(args[2]), first = args.length > 3 ? Long.parseLong(args[3]) : 0;
        SparkSession spark = SparkSession.builder().appName("out-of-core table").master("local[2]")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            StructType schema = new StructType()
                    .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                    .add("label", DataTypes.IntegerType, false);
            int partitions = (int) Math.max(2, rows / 50_000);
            spark.range(first, first + rows, 1, partitions)
                    .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> new Rows(ids), Encoders.row(schema))
                    .write().mode("overwrite").parquet(dir + "/" + name + ".parquet");
        } finally {
            spark.stop();
        }
    }

    private static void timeOneRead(String table) {
        // Checking the pages' CRCs as Spindle's own reads do.
        SparkSession spark = SparkSession.builder().appName("out-of-core read").master("local[2]")
                .config("spark.ui.enabled", "false").config("spark.hadoop.parquet.page.verify-checksum.enabled", "true").getOrCreate();
        try {
            long start = System.nanoTime();
            // Every value decoded and summed, so that no column chunk is skipped.
            double sum = spark.read().parquet(table).selectExpr("aggregate(features, 0D, (a, x) -> a + x) + label AS s")
                    .agg(org.apache.spark.sql.functions.sum("s")).first().getDouble(0);
            System.out.printf(java.util.Locale.ROOT, "read once: %.1f s (sum %.1f)%n", (System.nanoTime() - start) / 1e9, sum);
        } finally {
            spark.stop();
        }
    }

    /** The teacher's weights: N(0, 1), the first layer scaled by 1/√784 so its units sit in tanh's bend. */
    static float[][] teacher() {
        SplittableRandom r = new SplittableRandom(TEACHER_SEED);
        float[] w1 = new float[HIDDEN * FEATURES], w2 = new float[CLASSES * HIDDEN];
        for (int i = 0; i < w1.length; i++) w1[i] = (float) (gaussian(r) / Math.sqrt(FEATURES));
        for (int i = 0; i < w2.length; i++) w2[i] = (float) gaussian(r);
        return new float[][] {w1, w2};
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Row i's features, drawn from its own stream (seeded by a mix of i: seeds i, i + 1 would give shifted copies of one stream). */
    static float[] features(long i) {
        SplittableRandom r = new SplittableRandom(new SplittableRandom(i).nextLong());
        float[] x = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) x[j] = (r.nextInt(256) - 128) / 64f;
        return x;
    }

    /** The teacher's class for {@code x}. */
    static int label(float[][] teacher, float[] x) {
        float[] w1 = teacher[0], w2 = teacher[1];
        float[] h = new float[HIDDEN];
        for (int u = 0; u < HIDDEN; u++) {
            float s = 0;
            for (int j = 0; j < FEATURES; j++) s += w1[u * FEATURES + j] * x[j];
            h[u] = (float) Math.tanh(s);
        }
        int best = 0;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < CLASSES; c++) {
            float s = 0;
            for (int u = 0; u < HIDDEN; u++) s += w2[c * HIDDEN + u] * h[u];
            if (s > bestLogit) {
                bestLogit = s;
                best = c;
            }
        }
        return best;
    }

    /** One partition's rows, made as they are asked for. */
    private static final class Rows implements Iterator<Row> {
        private final Iterator<Long> ids;
        private final float[][] teacher = teacher();

        Rows(Iterator<Long> ids) {
            this.ids = ids;
        }

        @Override
        public boolean hasNext() {
            return ids.hasNext();
        }

        @Override
        public Row next() {
            float[] x = features(ids.next());
            List<Float> f = new ArrayList<>(FEATURES);
            for (float v : x) f.add(v);
            return RowFactory.create(scala.jdk.javaapi.CollectionConverters.asScala(f).toSeq(), label(teacher, x));
        }
    }
}
