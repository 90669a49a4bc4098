package io.spindle.driver.spark;

import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Dataset;
import io.spindle.core.model.Network;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.core.train.Trainer;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.job.JobConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md's invariant on a real Spark (local[2], barrier stage, the TCP ring between tasks): N workers with local
 * batch b give the parameters of 1 worker with batch N·b on the same rows; and the same seed gives
 * bit-identical parameters run after run.
 */
@Tag("spark")
class DistributedEquivalenceTest {
    private static SparkSession spark;
    // 64 virtual shards × 20 rows, global batch 128: 10 steps per epoch, 5 epochs = 50 steps.
    private static final int ROWS = 1280;
    /** Local mode would pick the in-JVM transport; these tests want the real sockets between tasks. */
    private static final String RING = ", \"transport\": \"ring\"";

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("equivalence", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static final String MLP = """
            {"input_shape": [784], "layers": [{"type": "rescaling", "scale": 2.8329, "offset": -0.8102},
               {"type": "dense", "units": 256, "activation": "relu"}, {"type": "dense", "units": 128, "activation": "relu"},
               {"type": "dense", "units": 10}]}""";

    /**
     * A small ResNet: a strided stem, a block added to the identity, a block added to a 1×1 projection, global average
     * pooling. Without batch norm, which normalises over each worker's own batch (as Keras and Horovod do without
     * a synchronised batch norm), so it is the one layer that N workers and 1 worker compute differently.
     */
    private static final String RESNET = """
            {"inputs": {"img": [1, 28, 28]}, "nodes": [
               {"name": "scale", "type": "rescaling", "scale": 2.8329, "offset": -0.8102, "inputs": "img"},
               {"name": "stem", "type": "conv2d", "filters": 8, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu", "inputs": "scale"},
               {"name": "b1_c1", "type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu", "inputs": "stem"},
               {"name": "b1_c2", "type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "inputs": "b1_c1"},
               {"name": "b1_add", "type": "add", "inputs": ["stem", "b1_c2"]},
               {"name": "b1_out", "type": "activation", "function": "relu", "inputs": "b1_add"},
               {"name": "b2_c1", "type": "conv2d", "filters": 16, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu", "inputs": "b1_out"},
               {"name": "b2_c2", "type": "conv2d", "filters": 16, "kernel_size": 3, "padding": "same", "inputs": "b2_c1"},
               {"name": "b2_proj", "type": "conv2d", "filters": 16, "kernel_size": 1, "strides": 2, "padding": "same", "inputs": "b1_out"},
               {"name": "b2_add", "type": "add", "inputs": ["b2_proj", "b2_c2"]},
               {"name": "gap", "type": "global_average_pool", "inputs": "b2_add"},
               {"name": "logits", "type": "dense", "units": 10, "inputs": "gap"}],
             "output": "logits"}""";

    private static final String PLAIN_LOSS = "\"softmax_cross_entropy\"";

    private static JobConfig job(int workers, boolean shuffle, String extra) throws Exception {
        return job(MLP, workers, shuffle, extra);
    }

    private static JobConfig job(String model, int workers, boolean shuffle, String extra) throws Exception {
        return job(model, 5, workers, shuffle, extra);
    }

    private static JobConfig job(String model, int epochs, int workers, boolean shuffle, String extra) throws Exception {
        return job(model, PLAIN_LOSS, epochs, workers, shuffle, extra);
    }

    private static JobConfig job(String model, String loss, int epochs, int workers, boolean shuffle, String extra) throws Exception {
        String json = """
                {"name": "eq", "data": {"train": "unused"},
                 "model": %s, "loss": %s,
                 "optimizer": {"type": "adam", "learning_rate": 0.001},
                 "training": {"epochs": %d, "batch_size": 128, "seed": 11, "shuffle": %s, "workers": %d %s}}
                """.formatted(model, loss, epochs, shuffle, workers, extra);
        return JobConfig.parse(json, "test", List.of());
    }

    private static float[] train(JobConfig job, Dataset rows) throws Exception {
        return new DistributedTrainer(spark).train(job, rows, null, TrainingListener.NONE).params();
    }

    @Test
    void twoWorkersMatchOneWorkerOnTheSameGlobalBatches() throws Exception {
        twoWorkersMatchOneWorker(MLP, 5, 1e-4);
    }

    @Test
    void aResNetOnTwoWorkersMatchesOneWorker() throws Exception {
        // The ResNet amplifies float summation differences from step to step far more than the MLP (with the
        // source order too): one epoch shows the sums still agree to float rounding.
        twoWorkersMatchOneWorker(RESNET, 1, 1e-6);
    }

    /**
     * With sample weights (the two workers' halves of each global batch weigh differently) the invariant still holds:
     * each worker divides by the global batch's weight sum, not its own.
     */
    @Test
    void twoWeightedWorkersMatchOneWorker() throws Exception {
        Dataset rows = FashionMini.train().rows(0, ROWS);
        float[] w = new float[ROWS];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        // Worker 0 of 2 owns the even virtual shards (64 shards of ROWS / 64 rows): its rows weigh about three times as much.
        int shardRows = ROWS / 64;
        for (int i = 0; i < ROWS; i++) w[i] = (float) ((i / shardRows % 2 == 0 ? 1.5 : 0.5) * (0.5 + rng.nextDouble()));
        twoWorkersMatchOneWorker(MLP, 5, 1e-4, rows.withWeights(Nd4j.create(w), "w"));
    }

    private static void twoWorkersMatchOneWorker(String model, int epochs, double tolerance) throws Exception {
        twoWorkersMatchOneWorker(model, epochs, tolerance, FashionMini.train().rows(0, ROWS));
    }

    private static void twoWorkersMatchOneWorker(String model, int epochs, double tolerance, Dataset rows) throws Exception {
        twoWorkersMatchOneWorker(model, PLAIN_LOSS, epochs, tolerance, rows);
    }

    /**
     * Label smoothing travels to the executors as the loss's JSON: 1 and 2 workers on Spark match the single-process
     * trainer given the smoothed loss object, and the smoothed run ends elsewhere than the plain one. One epoch: once the
     * model nears the smoothed targets each row's p − t changes sign, the batch sums cancel, and their float summation
     * order (1 worker's or 2 workers') is amplified from step to step, as the ResNet's is (on this data, 4e-8 after one
     * epoch and 2.5e-4 after two, where the plain loss stays at 6e-8); the first epoch still agrees to float rounding.
     */
    @Test
    void labelSmoothingReachesTheWorkers() throws Exception {
        Dataset rows = FashionMini.train().rows(0, ROWS);
        float[] smoothed = twoWorkersMatchOneWorker(MLP, "{\"type\": \"softmax_cross_entropy\", \"label_smoothing\": 0.2}", 1, 1e-6, rows);
        float[] plain = train(job(MLP, 1, 1, true, ""), rows);
        assertTrue(relativeDifference(smoothed, plain) > 1e-3, "smoothing changed nothing: " + relativeDifference(smoothed, plain));
    }

    /**
     * On shuffled data: the global order (GlobalOrder) gives 2 workers × 64 the rows of 1 worker × 128 at every step,
     * with no arranging of the rows, and the single-process trainer walks the same order.
     */
    private static float[] twoWorkersMatchOneWorker(String model, String loss, int epochs, double tolerance, Dataset rows) throws Exception {
        float[] twoWorkers = train(job(model, loss, epochs, 2, true, RING), rows);
        float[] oneWorker = train(job(model, loss, epochs, 1, true, ""), rows);

        // And the same through the single-process trainer: the distributed path adds nothing but the all-reduce.
        JobConfig j = job(model, loss, epochs, 1, true, "");
        Network net = Network.initialized(j.model(), 11, DataType.FLOAT);
        new Trainer(net, j.loss(), OptimizerConfig.adam(1e-3).create(net.layout(), DataType.FLOAT),
                new TrainingConfig(epochs, 128, 11, true, null)).fit(rows, null, TrainingListener.NONE);

        assertClose(oneWorker, net.params().toFloatVector(), 1e-5, "1 worker on Spark vs the single-process trainer");
        assertClose(oneWorker, twoWorkers, tolerance, "2 workers × 64 vs 1 worker × 128");
        return oneWorker;
    }

    /**
     * Each epoch is validated by the workers, each on its part of the validation rows: the figures are the driver's
     * evaluation of the same model over all of them, also when there are fewer validation rows than workers.
     */
    @Test
    void theWorkersValidationIsTheEvaluationOfTheModelOnEveryValidationRow() throws Exception {
        Dataset rows = FashionMini.train().rows(0, ROWS);
        for (Dataset validation : List.of(FashionMini.test().rows(0, 301), FashionMini.test().rows(0, 1))) {
            JobConfig j = job(MLP, 2, 2, true, RING);
            DistributedTrainer.Outcome outcome = new DistributedTrainer(spark).train(j, rows, validation, TrainingListener.NONE);
            Evaluation whole = Evaluator.evaluate(Network.withParams(j.model(), Nd4j.createFromArray(outcome.params()), 11), j.loss(), validation, 512);
            EpochStats last = outcome.history().epochs().get(1);
            assertEquals(whole.loss(), last.validationLoss(), 1e-6 * whole.loss(), validation.size() + " rows");
            assertEquals(whole.accuracy(), last.validationAccuracy(), 0, validation.size() + " rows");
        }
    }

    @Test
    void sameSeedTwoWorkersIsBitIdentical() throws Exception {
        Dataset rows = FashionMini.train().rows(0, ROWS);
        JobConfig j = job(2, true, RING);
        float[] a = train(j, rows);
        float[] b = train(j, rows);
        assertArrayEquals(a, b);
        // Local mode's default transport (shared memory) sums the two ranks in the same order: the same bits.
        assertArrayEquals(a, train(job(2, true, ""), rows), "in-JVM transport = TCP ring");
        float[] c = train(job(2, true, RING + ", \"wire_dtype\": \"bfloat16\""), rows);
        assertEquals(a.length, c.length);
        assertTrue(relativeDifference(a, c) < 0.05, "bf16 on the wire stays close: " + relativeDifference(a, c));
    }

    private static double relativeDifference(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    private static void assertClose(float[] actual, float[] expected, double tolerance, String what) {
        double rel = relativeDifference(actual, expected);
        assertTrue(rel <= tolerance, what + ": relative difference " + rel + " > " + tolerance);
    }
}
