package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.BatchNorm;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.InJvmCollective;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each rank validates its own part of the validation rows after every epoch; the summed figures are those of the whole
 * validation set evaluated with the epoch's final model, batch-norm statistics averaged first, on every rank.
 */
class EpochValidationTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {6}, List.of(Dense.Config.of(8, ActivationFunction.RELU),
            BatchNorm.Config.defaults(), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final CollectiveOptions OPTIONS = CollectiveOptions.defaults(new byte[CollectiveOptions.SECRET_BYTES]);
    private static final Dataset VALIDATION = rows(7, 99);

    @Test
    void theRanksPartsAddUpToTheWholeSetEvaluatedWithTheFinalModel() throws Exception {
        List<Run> runs = trainOn(3, VALIDATION);
        Evaluation whole = Evaluator.evaluate(Network.withParams(MODEL, runs.get(0).params, 42), Loss.softmaxCrossEntropy(), VALIDATION, 512);
        for (Run r : runs) {
            EpochStats last = r.history.get(r.history.size() - 1);
            assertEquals(whole.loss(), last.validationLoss(), 1e-6 * Math.abs(whole.loss()), "every rank knows the validation loss");
            assertEquals(whole.accuracy(), last.validationAccuracy(), 0, "counts of correct rows add up exactly");
            for (EpochStats e : r.history) assertTrue(Double.isFinite(e.validationLoss()), "epoch " + e.epoch() + " was validated: " + e);
        }
    }

    @Test
    void aRankWithoutValidationRowsStillTakesPartInTheSum() throws Exception {
        Dataset two = rows(2, 5);
        List<Run> runs = trainOn(3, two);
        Evaluation whole = Evaluator.evaluate(Network.withParams(MODEL, runs.get(0).params, 42), Loss.softmaxCrossEntropy(), two, 512);
        EpochStats last = runs.get(2).history.get(1);
        assertEquals(whole.loss(), last.validationLoss(), 1e-6 * Math.abs(whole.loss()));
        assertEquals(whole.accuracy(), last.validationAccuracy(), 0);
    }

    private record Run(INDArray params, List<EpochStats> history) {
    }

    /** Two epochs on {@code ranks} in-JVM ranks, each with its own training rows and a contiguous part of {@code validation}. */
    private static List<Run> trainOn(int ranks, Dataset validation) throws Exception {
        List<Collective> collectives = InJvmCollective.create(ranks, OPTIONS);
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<Run>> runs = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                int from = validation.size() * rank / ranks, to = validation.size() * (rank + 1) / ranks;
                Shard part = Shard.of(rank, validation, IntStream.range(from, to).toArray());
                runs.add(pool.submit(() -> train(collectives.get(rank), rank, part)));
            }
            List<Run> done = new ArrayList<>();
            for (Future<Run> f : runs) done.add(f.get(60, TimeUnit.SECONDS));
            return done;
        } finally {
            pool.shutdownNow();
            collectives.forEach(Collective::close);
        }
    }

    private static Run train(Collective collective, int rank, Shard validationPart) {
        Network net = Network.initialized(MODEL, 42, DataType.FLOAT);
        WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), OptimizerConfig.sgd(0.05).create(net.layout(), DataType.FLOAT),
                collective, StepReporter.NONE).withValidation(validationPart);
        loop.synchronizeParameters();
        List<EpochStats> history = loop.run(rows(32, 11 + rank), new TrainingPlan(2, 8, 4, 7, true, SyncMode.ALLREDUCE, 1, false));
        return new Run(net.params().dup(), history);
    }

    /** {@code n} rows of 6 features with a label that depends on them, so accuracy moves as the model learns. */
    private static Dataset rows(int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[][] x = new float[n][6];
        float[][] y = new float[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) x[i][j] = random.nextFloat() - 0.5f;
            y[i][0] = (int) Math.abs(x[i][0] * 5.99f) % 3;
        }
        return new Dataset(Nd4j.createFromArray(x), Nd4j.createFromArray(y), new long[] {6}, 3);
    }
}
