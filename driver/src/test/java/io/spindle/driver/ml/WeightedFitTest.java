package io.spindle.driver.ml;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * weightCol on a real Spark (local[2]): a row of weight 2 fits as the row twice, unit weights as no weights (the same
 * bits), the weights mean what they mean to Spark's LogisticRegression (Spark's MLP has no weightCol), and a bad
 * weight column is refused before training, naming the param.
 */
@Tag("spark")
class WeightedFitTest {
    /** Softmax regression, the model Spark's multinomial LogisticRegression fits. */
    private static final String SOFTMAX = "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3}]}";
    private static final String MLP = "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 8, \"activation\": \"tanh\"},"
            + " {\"type\": \"dense\", \"units\": 3}]}";
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("spindle-weights-test", "local[2]", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Overlapping blobs in a features Vector, label 0..2, weight w in [0.5, 1.5] with class 2's rows four times heavier. */
    private static Dataset<Row> rows(int n, long seed) {
        Random rng = new Random(seed);
        double[][] centres = {{1, 0, 0, 0.5}, {-1, 0.5, 0, -0.5}, {0, -1, 1, 0}};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i % 3;
            Object[] v = new Object[7];
            for (int j = 0; j < 4; j++) v[j] = centres[k][j] + 1.2 * rng.nextGaussian();
            v[4] = (double) k;
            v[5] = (k == 2 ? 4.0 : 1.0) * (0.5 + rng.nextDouble());
            v[6] = i;
            rows.add(RowFactory.create(v));
        }
        StructType schema = new StructType().add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
                .add("x3", DataTypes.DoubleType).add("label", DataTypes.DoubleType).add("w", DataTypes.DoubleType).add("id", DataTypes.IntegerType);
        return new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features")
                .transform(spark.createDataFrame(rows, schema)).select("id", "features", "label", "w");
    }

    private static SpindleClassifier classifier(String network, int batch, int workers) {
        return new SpindleClassifier().setNetwork(network).setEpochs(5).setBatchSize(batch).setWorkers(workers)
                .setLearningRate(0.02).setSeed(3).setVerbose(false);
    }

    /** Each row's class probabilities, by row id. */
    private static double[][] probabilities(org.apache.spark.ml.Transformer model, Dataset<Row> rows) {
        List<Row> out = model.transform(rows).orderBy("id").select("probability").collectAsList();
        double[][] p = new double[out.size()][];
        for (int i = 0; i < p.length; i++) p[i] = ((Vector) out.get(i).get(0)).toArray();
        return p;
    }

    @Test
    void aWeightOfTwoFitsAsTheRowDuplicated(@TempDir Path dir) throws Exception {
        Dataset<Row> base = rows(60, 1).withColumn("w", lit(1.0));
        Dataset<Row> weighted = base.withColumn("w", when(col("id").isin(5, 17, 40), 2.0).otherwise(1.0));
        Dataset<Row> duplicated = base.union(base.filter(col("id").isin(5, 17, 40)));
        // One worker, one batch per epoch: both fits take the same rows together, in whatever order.
        SpindleClassificationModel a = classifier(MLP, 60, 1).setWeightCol("w").fit(weighted);
        SpindleClassificationModel b = classifier(MLP, 63, 1).fit(duplicated);
        double[][] pa = probabilities(a, base), pb = probabilities(b, base);
        for (int i = 0; i < pa.length; i++) assertArrayEquals(pb[i], pa[i], 1e-6, "row " + i);
        double[][] unweighted = probabilities(classifier(MLP, 60, 1).fit(base), base);
        assertTrue(Math.abs(unweighted[5][0] - pa[5][0]) > 1e-4, "the weights changed nothing");

        assertEquals("w", a.getWeightCol(), "the fitted model keeps weightCol");
        a.write().overwrite().save(dir.resolve("m").toString());
        assertEquals("w", SpindleClassificationModel.load(dir.resolve("m").toString()).getWeightCol());
    }

    @Test
    void unitWeightsFitToTheUnweightedBits() {
        Dataset<Row> data = rows(120, 2).withColumn("one", lit(1.0)).cache();
        double[][] plain = probabilities(classifier(MLP, 16, 2).fit(data), data);
        double[][] ones = probabilities(classifier(MLP, 16, 2).setWeightCol("one").fit(data), data);
        double[][] empty = probabilities(classifier(MLP, 16, 2).setWeightCol("").fit(data), data);
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], ones[i], 0.0, "row " + i);
            assertArrayEquals(plain[i], empty[i], 0.0, "\"\" is unweighted, as in Spark: row " + i);
        }
    }

    /**
     * Spark's MLP has no weightCol, so the reference for what a weight means is its LogisticRegression: a Spindle softmax
     * regression fitted with the weights lands on Spark's weighted solution, well away from the unweighted one.
     */
    @Test
    void weightsMeanWhatTheyMeanToSparksLogisticRegression() {
        Dataset<Row> data = rows(300, 3).cache();
        LogisticRegression lr = new LogisticRegression().setFamily("multinomial").setRegParam(0).setMaxIter(200).setTol(1e-9);
        LogisticRegressionModel sparkWeighted = lr.setWeightCol("w").fit(data);
        LogisticRegressionModel sparkPlain = new LogisticRegression().setFamily("multinomial").setRegParam(0).setMaxIter(200).setTol(1e-9).fit(data);
        SpindleClassificationModel ours = new SpindleClassifier().setNetwork(SOFTMAX).setEpochs(600).setBatchSize(300).setWorkers(2)
                .setLearningRate(0.05).setSeed(3).setVerbose(false).setWeightCol("w").fit(data);
        double toWeighted = meanDifference(probabilities(ours, data), probabilities(sparkWeighted, data));
        double weightedToPlain = meanDifference(probabilities(sparkWeighted, data), probabilities(sparkPlain, data));
        assertTrue(weightedToPlain > 0.03, "the weights barely move Spark's solution: " + weightedToPlain);
        assertTrue(toWeighted < 0.005, "Spindle's weighted fit is " + toWeighted + " from Spark's (the unweighted one is " + weightedToPlain + " away)");
    }

    private static double meanDifference(double[][] a, double[][] b) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++, n++) sum += Math.abs(a[i][k] - b[i][k]);
        }
        return sum / n;
    }

    @Test
    void aBadWeightColumnIsRefusedBeforeTrainingNamingTheParam() {
        Dataset<Row> data = rows(30, 4);
        assertMessage(() -> classifier(MLP, 10, 1).setWeightCol("importance").fit(data), "weightCol", "\"importance\"", "a column of the DataFrame");
        SpindleRegressor regressor = new SpindleRegressor().setNetwork("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}")
                .setBatchSize(10).setVerbose(false);
        assertMessage(() -> regressor.setWeightCol("importance").fit(data), "weightCol", "\"importance\"");
        assertMessage(() -> regressor.setWeightCol("w").fit(data.withColumn("w", lit(-2.0))), "weightCol", "\"w\"", "> 0", "30 rows");
        assertMessage(() -> classifier(MLP, 10, 1).setWeightCol("w").fit(data.withColumn("w", col("w").cast("string"))),
                "weightCol", "\"w\"", "numeric");
        for (Object bad : new Object[] {0.0, -1.0, Double.NaN, null}) {
            Dataset<Row> broken = data.withColumn("w", when(col("id").equalTo(7), lit(bad).cast("double")).otherwise(col("w")));
            assertMessage(() -> classifier(MLP, 10, 1).setWeightCol("w").fit(broken), "weightCol", "\"w\"", bad == null ? "null" : "> 0");
        }
    }

    private static void assertMessage(Executable call, String... parts) {
        ConfigException e = assertThrows(ConfigException.class, call);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "\"" + part + "\" not in: " + e.getMessage());
    }
}
