package io.spindle.driver.ml;

import io.spindle.core.io.SavedModel;
import io.spindle.driver.run.TrainedModel;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ProbabilisticClassifier contract against Spark's own MultilayerPerceptronClassifier: a Spindle model
 * holding the weights Spark's MLP learned (the same layout: W [in, out] row-major, then the bias, per layer)
 * must give the same rawPrediction, probability and prediction, with and without thresholds, through
 * transform and predict(Vector), and switch off the same columns for "".
 */
@Tag("spark")
class SpindleContractTest {
    private static final String NETWORK = "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 5, \"activation\": \"sigmoid\"},"
            + " {\"type\": \"dense\", \"units\": 3}]}";
    private static SparkSession spark;
    private static Dataset<Row> data;
    private static MultilayerPerceptronClassificationModel mlp;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("spindle-contract-test", "local[2]", 2);
        data = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features")
                .transform(SpindleMlTest.blobs(spark, 300, 11)).cache();
        mlp = new MultilayerPerceptronClassifier().setLayers(new int[] {4, 5, 3}).setMaxIter(15).setSeed(3).fit(data);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** A Spindle model over the MLP's weights. */
    private static SpindleClassificationModel spindleOfMlp() {
        double[] w = mlp.weights().toArray();
        float[] params = new float[w.length];
        for (int i = 0; i < w.length; i++) params[i] = (float) w[i];
        SavedModel saved = TrainedModel.of(NetworkFit.job(new SpindleClassifier().setNetwork(NETWORK)), params, new float[0], 0, "mlp", 0);
        return new SpindleClassificationModel("reference", saved, null);
    }

    @Test
    void sameWeightsGiveSparksOutputsWithAndWithoutThresholds() {
        SpindleClassificationModel ours = spindleOfMlp();
        assertEquals(mlp.numClasses(), ours.numClasses());
        assertEquals(mlp.numFeatures(), ours.numFeatures());
        compare(ours, mlp);
        // Thresholds that favour class 0 strongly: some predictions move, the same ones in both.
        double[] t = {0.05, 1.0, 0.6};
        int moved = compare(ours.setThresholds(t), mlp.setThresholds(t));
        assertTrue(moved > 0, "the thresholds changed no prediction");
        mlp.clear(mlp.thresholds());
    }

    /** Compares every row's outputs; returns how many predictions differ from the raw arg max. */
    private static int compare(SpindleClassificationModel ours, MultilayerPerceptronClassificationModel reference) {
        List<Row> a = ours.transform(data).select("features", "rawPrediction", "probability", "prediction").collectAsList();
        List<Row> b = reference.transform(data).select("features", "rawPrediction", "probability", "prediction").collectAsList();
        int moved = 0;
        for (int i = 0; i < a.size(); i++) {
            Vector features = a.get(i).getAs(0);
            assertArrayEquals(((Vector) b.get(i).get(1)).toArray(), ((Vector) a.get(i).get(1)).toArray(), 1e-4, "rawPrediction of row " + i);
            assertArrayEquals(((Vector) b.get(i).get(2)).toArray(), ((Vector) a.get(i).get(2)).toArray(), 1e-5, "probability of row " + i);
            assertEquals(b.get(i).getDouble(3), a.get(i).getDouble(3), "prediction of row " + i);
            // The one-row API agrees with transform, and with Spark's.
            assertEquals(a.get(i).getDouble(3), ours.predict(features));
            assertArrayEquals(reference.predictRaw(features).toArray(), ours.predictRaw(features).toArray(), 1e-4);
            assertArrayEquals(reference.predictProbability(features).toArray(), ours.predictProbability(features).toArray(), 1e-5);
            if (a.get(i).getDouble(3) != ((Vector) a.get(i).get(1)).argmax()) moved++;
        }
        return moved;
    }

    @Test
    void emptyOutputColumnNamesSwitchOffTheSameColumnsAsSpark() {
        String[][] settings = {{"", "probability", "prediction"}, {"rawPrediction", "", "prediction"}, {"rawPrediction", "probability", ""},
                {"", "", "prediction"}, {"", "", ""}, {"r", "p", "y"}};
        for (String[] s : settings) {
            SpindleClassificationModel ours = spindleOfMlp().setRawPredictionCol(s[0]).setProbabilityCol(s[1]).setPredictionCol(s[2]);
            MultilayerPerceptronClassificationModel reference = mlp.copy(new org.apache.spark.ml.param.ParamMap())
                    .setRawPredictionCol(s[0]).setProbabilityCol(s[1]).setPredictionCol(s[2]);
            Dataset<Row> got = ours.transform(data), expected = reference.transform(data);
            assertEquals(Arrays.asList(expected.columns()), Arrays.asList(got.columns()), Arrays.toString(s));
            assertEquals(Arrays.asList(expected.columns()), Arrays.asList(ours.transformSchema(data.schema()).fieldNames()));
            if (!s[2].isEmpty()) {
                List<Row> p = got.select(s[2]).collectAsList(), q = expected.select(s[2]).collectAsList();
                assertEquals(q, p, "predictions with " + Arrays.toString(s));
            }
        }
    }

    @Test
    void theFittedModelKeepsEveryParamItWasFittedWithThroughSaveAndLoad(@TempDir Path dir) throws Exception {
        SpindleClassifier clf = new SpindleClassifier().setNetwork(NETWORK).setEpochs(4).setBatchSize(16).setWorkers(2).setLearningRate(0.02)
                .setSeed(9).setVerbose(false).setOptimizer("{\"type\": \"momentum\"}").setThresholds(new double[] {0.5, 0.3, 0.2});
        SpindleClassificationModel model = clf.fit(data);
        String path = dir.resolve("model").toUri().toString();
        model.write().save(path);
        SpindleClassificationModel loaded = SpindleClassificationModel.load(path);
        for (SpindleClassificationModel m : List.of(model, loaded)) {
            assertEquals(4, m.getEpochs());
            assertEquals(16, m.getBatchSize());
            assertEquals(2, m.getWorkers());
            assertEquals(0.02, m.getLearningRate());
            assertEquals(9L, m.getSeed());
            assertEquals(false, m.getVerbose());
            assertEquals(NETWORK, m.getNetwork());
            assertEquals("{\"type\": \"momentum\"}", m.getOptimizer());
            assertArrayEquals(new double[] {0.5, 0.3, 0.2}, m.getThresholds());
            assertEquals(4, m.numFeatures());
            assertEquals(3, m.numClasses());
        }
        // The unfitted defaults travel too: a param nobody set keeps its default on the model.
        assertEquals("val_loss", loaded.getEarlyStoppingMonitor());
        assertEquals(model.transform(data).select("prediction").collectAsList(), loaded.transform(data).select("prediction").collectAsList());
    }
}
