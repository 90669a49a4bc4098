package io.spindle.driver.data;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.driver.spark.DistributedEvaluator;
import io.spindle.driver.spark.HeldOutRows;
import io.spindle.driver.spark.ShardPlanner;
import io.spindle.driver.spark.SparkSessions;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Spark local[2]: a DataFrame dealt in one shuffle, without numbering its rows, gives every worker exactly the
 * shard of the rows ranked by their seeded hash and cut as {@link ShardPlanner} cuts rows in memory. Enough rows that
 * many buckets straddle a virtual shard's edge and go to two workers; repeated rows; weights; worker counts that do and
 * do not divide the virtual shards.
 */
@Tag("spark")
class DataFrameDealTest {
    private static final int ROWS = 20_000, WIDTH = 3, SEED = 5;
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("deal", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void everyWorkerGetsTheRowsOfItsVirtualShardsInHashOrder() throws Exception {
        org.apache.spark.sql.Dataset<Row> frame = frame(true);
        Dataset ranked = inHashOrder(frame);
        for (int workers : new int[] {3, 8}) {
            List<Shard> dealt = DataFrameShards.pack(frame, ROWS, workers, VirtualShards.DEFAULT_COUNT, SEED, new long[] {WIDTH}, 4,
                    ValueCodec.plain(Encoding.FLOAT32), null).collect();
            List<Shard> expected = ShardPlanner.split(ranked, workers, VirtualShards.DEFAULT_COUNT);
            assertEquals(workers, dealt.size());
            for (int k = 0; k < workers; k++) {
                Dataset got = dealt.get(k).toDataset(), want = expected.get(k).toDataset();
                String which = "worker " + k + " of " + workers;
                assertEquals(want.size(), got.size(), which);
                assertArrayEquals(want.features().ravel().toFloatVector(), got.features().ravel().toFloatVector(), which);
                assertArrayEquals(want.labels().ravel().toFloatVector(), got.labels().ravel().toFloatVector(), which);
                assertArrayEquals(want.weights().ravel().toFloatVector(), got.weights().ravel().toFloatVector(), which);
            }
        }
    }

    @Test
    void bucketsThatStraddleAShardEdgeAreDealtToBothOwners() {
        HashRankDeal deal = HashRankDeal.plan(keyed(frame(false)), ROWS, 2, VirtualShards.DEFAULT_COUNT);
        int shared = 0;
        for (int b = 0; b < HashRankDeal.BUCKETS; b++) if (deal.ranks().ownersOf(b).size() > 1) shared++;
        assertTrue(shared >= 30, "the test's rows should make buckets straddle most of the 63 inner shard edges, not " + shared);
    }

    /** Test or validation rows that stay a DataFrame evaluate, part by part on the executors, as all of them in one place. */
    @Test
    void heldOutRowsOfAFrameEvaluateAsTheRowsCollected() {
        ModelConfig model = new ModelConfig(new long[] {WIDTH}, List.of(Dense.Config.of(8, ActivationFunction.RELU), Dense.Config.of(4,
                ActivationFunction.IDENTITY)));
        Network net = Network.initialized(model, 3, DataType.FLOAT);
        org.apache.spark.sql.Dataset<Row> frame = frame(false);
        Evaluation parts = DistributedEvaluator.evaluate(JavaSparkContext.fromSparkContext(spark.sparkContext()), model, Loss.softmaxCrossEntropy(),
                net.params().toFloatVector(), HeldOutRows.of(frame, ROWS, new long[] {WIDTH}, 4, SEED), 3);
        Evaluation whole = Evaluator.evaluate(net, Loss.softmaxCrossEntropy(), SparkRows.collect(frame, new long[] {WIDTH}, 4), 512);
        assertEquals(ROWS, parts.samples());
        assertEquals(whole.loss(), parts.loss(), 1e-6 * whole.loss());
        assertEquals(whole.accuracy(), parts.accuracy(), 0);
    }

    /** The frame's rows (collected here, as the expectation) sorted by the seeded hash the deal ranks them by. */
    private static Dataset inHashOrder(org.apache.spark.sql.Dataset<Row> frame) {
        List<Row> rows = new ArrayList<>(keyed(frame).collectAsList());
        rows.sort(Comparator.comparingLong(r -> r.getLong(3)));
        float[][] f = new float[rows.size()][WIDTH], y = new float[rows.size()][1];
        float[] w = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            List<Float> values = r.getList(0);
            for (int j = 0; j < WIDTH; j++) f[i][j] = values.get(j);
            y[i][0] = (float) r.getDouble(1);
            w[i] = (float) r.getDouble(2);
        }
        return new Dataset(Nd4j.createFromArray(f), Nd4j.createFromArray(y), new long[] {WIDTH}, 4).withWeights(Nd4j.createFromArray(w), "w");
    }

    private static org.apache.spark.sql.Dataset<Row> keyed(org.apache.spark.sql.Dataset<Row> frame) {
        return frame.withColumn("k", xxhash64(lit((long) SEED), col("f"), col("y")));
    }

    /** {@code ROWS} rows of 3 features, a class of 4 (and a weight), one in ten a copy of an earlier row, in 5 partitions. */
    private static org.apache.spark.sql.Dataset<Row> frame(boolean weighted) {
        SplittableRandom random = new SplittableRandom(17);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (i > 0 && random.nextInt(10) == 0) {
                rows.add(rows.get(random.nextInt(i)));
                continue;
            }
            List<Float> f = List.of((float) random.nextGaussian(), (float) random.nextGaussian(), (float) i);
            rows.add(weighted ? RowFactory.create(f, (double) random.nextInt(4), 0.5 + random.nextDouble())
                    : RowFactory.create(f, (double) random.nextInt(4)));
        }
        StructType schema = new StructType().add("f", DataTypes.createArrayType(DataTypes.FloatType)).add("y", DataTypes.DoubleType);
        if (weighted) schema = schema.add(WeightColumn.NAME, DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema).repartition(5);
    }
}
