package io.spindle.driver.ml;

import io.spindle.core.config.ConfigException;
import io.spindle.core.loss.SoftmaxCrossEntropy;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML API on local[2]: a Pipeline, persistence, CrossValidator, a regressor, and params checked before training. */
@Tag("spark")
class SpindleMlTest {
    private static final String NETWORK = "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 16, \"activation\": \"relu\"}, {\"type\": \"dense\", \"units\": 3}]}";
    private static SparkSession spark;
    private static Dataset<Row> blobs;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("spindle-ml-test", "local[2]", 2);
        blobs = blobs(spark, 600, 7);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Three Gaussian blobs in four numeric columns x0..x3, label 0..2 as a double. */
    static Dataset<Row> blobs(SparkSession spark, int n, long seed) {
        Random rng = new Random(seed);
        double[][] centres = {{2, 0, 0, 1}, {-2, 1, 0, -1}, {0, -2, 2, 0}};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i % 3;
            Object[] v = new Object[5];
            for (int j = 0; j < 4; j++) v[j] = centres[k][j] + 0.6 * rng.nextGaussian();
            v[4] = (double) k;
            rows.add(RowFactory.create(v));
        }
        StructType schema = new StructType().add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
                .add("x2", DataTypes.DoubleType).add("x3", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema);
    }

    static Pipeline pipeline(SpindleClassifier clf) {
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features");
        return new Pipeline().setStages(new PipelineStage[] {assembler, clf});
    }

    static SpindleClassifier classifier() {
        return new SpindleClassifier().setNetwork(NETWORK).setEpochs(8).setBatchSize(32).setWorkers(2).setLearningRate(0.01).setSeed(3);
    }

    @Test
    void pipelineFitsTransformsSavesLoadsAndPredictsTheSame(@TempDir Path dir) throws Exception {
        PipelineModel fitted = pipeline(classifier()).fit(blobs);
        Dataset<Row> predicted = fitted.transform(blobs).cache();
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        Row first = predicted.first();
        Vector p = first.getAs("probability");
        assertEquals(3, p.size());
        assertEquals(1.0, p.toArray()[0] + p.toArray()[1] + p.toArray()[2], 1e-5);
        assertEquals(p.argmax(), (int) first.<Double>getAs("prediction").doubleValue());
        assertEquals(3, first.<Vector>getAs("rawPrediction").size());

        SpindleClassificationModel model = (SpindleClassificationModel) fitted.stages()[1];
        assertEquals(8, model.history().epochs().size());
        assertTrue(model.savedModel().provenance().dataFingerprint().startsWith("xxhash64-xor:"));
        assertEquals(2, model.savedModel().provenance().workers());

        String path = dir.resolve("pipeline").toUri().toString();
        fitted.write().overwrite().save(path);
        assertTrue(Files.list(dir.resolve("pipeline/stages")).anyMatch(s -> Files.exists(s.resolve("model.spindle"))), "stored as a Spindle model file");
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> again = loaded.transform(blobs).select("probability", "prediction").collectAsList();
        List<Row> before = predicted.select("probability", "prediction").collectAsList();
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(1), again.get(i).getDouble(1));
            assertArrayEquals(((Vector) before.get(i).get(0)).toArray(), ((Vector) again.get(i).get(0)).toArray(), 1e-7);
        }
        SpindleClassificationModel reloaded = (SpindleClassificationModel) loaded.stages()[1];
        assertEquals(model.uid(), reloaded.uid());
        assertEquals(8, reloaded.history().epochs().size());

        // The unfitted estimator round-trips its params too.
        String estimatorPath = dir.resolve("estimator").toUri().toString();
        classifier().setEpochs(3).write().save(estimatorPath);
        SpindleClassifier clf = SpindleClassifier.load(estimatorPath);
        assertEquals(3, clf.getEpochs());
        assertEquals(NETWORK, clf.getNetwork());
        assertEquals(0.01, clf.getLearningRate());
    }

    @Test
    void crossValidatorChoosesBetweenTwoLearningRates() {
        SpindleClassifier clf = classifier().setEpochs(3);
        ParamMap[] grid = new ParamGridBuilder().addGrid(clf.learningRate(), new double[] {1e-4, 1e-2}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline(clf)).setEstimatorParamMaps(grid).setNumFolds(2).setSeed(5)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).fit(blobs);
        double[] metrics = cv.avgMetrics();
        assertEquals(2, metrics.length);
        // 3 epochs at 1e-4 barely move the weights; at 1e-2 the blobs separate.
        assertTrue(metrics[1] > metrics[0] && metrics[1] > 0.85, java.util.Arrays.toString(metrics));
        SpindleClassificationModel best = (SpindleClassificationModel) ((PipelineModel) cv.bestModel()).stages()[1];
        assertEquals(1e-2, best.savedModel().optimizer().get("learning_rate").asDouble(), 1e-12);
        // The fitted model keeps the grid point it was fitted with, and every other param of its estimator.
        assertEquals(1e-2, best.getLearningRate());
        assertEquals(3, best.getEpochs());
        assertEquals(NETWORK, best.getNetwork());
    }

    @Test
    void regressorLearnsALinearFunctionFromAnArrayColumn() {
        Random rng = new Random(1);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            double a = rng.nextDouble() * 2 - 1, b = rng.nextDouble() * 2 - 1;
            rows.add(RowFactory.create(new double[] {a, b}, 3 * a - 2 * b + 1));
        }
        StructType schema = new StructType().add("xs", DataTypes.createArrayType(DataTypes.DoubleType)).add("y", DataTypes.DoubleType);
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        SpindleRegressionModel model = new SpindleRegressor().setFeaturesCol("xs").setLabelCol("y")
                .setNetwork("{\"input_shape\": [2], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}")
                .setOptimizer("{\"type\": \"sgd\", \"learning_rate\": 0.1}").setEpochs(20).setBatchSize(32).setWorkers(2).fit(df);
        float[] w = model.savedModel().params().toFloatVector();
        assertEquals(3.0, w[0], 0.02);
        assertEquals(-2.0, w[1], 0.02);
        assertEquals(1.0, w[2], 0.02);
        double r2 = new RegressionEvaluator().setLabelCol("y").setMetricName("r2").evaluate(model.transform(df));
        assertTrue(r2 > 0.999, "r2 " + r2);
        // Spark's RegressionModel contract: predict(Vector) is what transform adds; numFeatures is the input width.
        assertEquals(2, model.numFeatures());
        Row first = model.transform(df).first();
        List<Double> xs = first.getList(0);
        assertEquals(first.<Double>getAs("prediction"), model.predict(org.apache.spark.ml.linalg.Vectors.dense(xs.get(0), xs.get(1))), 1e-6);
        Dataset<Row> none = model.setPredictionCol("").transform(df);
        assertEquals(List.of(df.columns()), List.of(none.columns()), "predictionCol \"\" adds no column");
    }

    @Test
    void badParamsAndDataAreRefusedBeforeTraining() {
        Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features").transform(blobs);
        assertMessage(() -> classifier().setFeaturesCol("pixels").fit(assembled), "featuresCol = \"pixels\"", "x0");
        assertMessage(() -> classifier().setFeaturesCol("x0").fit(assembled), "featuresCol = \"x0\"", "Vector or array");
        assertMessage(() -> classifier().setLabelCol("nope").fit(assembled), "labelCol = \"nope\"");
        assertMessage(() -> new SpindleClassifier().fit(assembled), "network: is required");
        assertMessage(() -> classifier().setNetwork("{\"input_shape\": [5], \"layers\": [{\"type\": \"dense\", \"units\": 3}]}").fit(assembled),
                "rows of 5 values", "hold 4");
        assertMessage(() -> classifier().setNetwork("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 2}]}").fit(assembled),
                "class indices 0..1", "[0.0, 2.0]");
        assertMessage(() -> classifier().setBatchSize(33).fit(assembled), "batchSize = 33", "multiple of workers");
        assertMessage(() -> classifier().setEpochs(0), "epochs = 0", ">= 1");
        assertMessage(() -> classifier().setLabelSmoothing(1.0), "labelSmoothing = 1.0", ">= 0 and < 1");
        assertEquals(0.1, ((SoftmaxCrossEntropy) NetworkFit.job(classifier().setLabelSmoothing(0.1)).loss()).labelSmoothing(),
                "the classifier trains with the smoothed loss");
        assertMessage(() -> NetworkFit.job(new SpindleRegressor().setNetwork("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}")
                .setLabelSmoothing(0.1)), "labelSmoothing = 0.1", "regressor");
        assertMessage(() -> classifier().setNetwork("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\"}]}").fit(assembled),
                "network.layers[0].units");

        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.DoubleType);
        Dataset<Row> ragged = spark.createDataFrame(List.of(RowFactory.create(new float[] {1, 2, 3, 4}, 0.0),
                RowFactory.create(new float[] {1, 2, 3}, 1.0)), schema);
        assertMessage(() -> classifier().fit(ragged), "ragged", "3 to 4");
        Dataset<Row> text = assembled.withColumn("label", assembled.col("label").cast("string"));
        assertMessage(() -> classifier().fit(text), "labelCol = \"label\"", "numeric", "StringIndexer");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        ConfigException e = assertThrows(ConfigException.class, call);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "\"" + part + "\" not in: " + e.getMessage());
        assertNotNull(e.field());
    }
}
