package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.LayerState;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.BatchNorm;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.OptimizerConfig;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Batch norm's running statistics come from each rank's own batches; after an epoch every rank holds their mean. */
class LayerStateAveragingTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {6}, List.of(Dense.Config.of(5, ActivationFunction.IDENTITY),
            BatchNorm.Config.defaults(), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final CollectiveOptions OPTIONS = CollectiveOptions.defaults(new byte[CollectiveOptions.SECRET_BYTES]);

    @Test
    void ranksEndTheEpochWithTheMeanOfTheirRunningStatistics() throws Exception {
        // Alone, each rank's statistics depend only on its own rows (the rate is too small to move any weight).
        float[] alone0 = state(train(InJvmCollective.create(1, OPTIONS).get(0), 0));
        float[] alone1 = state(train(InJvmCollective.create(1, OPTIONS).get(0), 1));
        assertNotEquals(alone0[0], alone1[0]);
        float[] mean = new float[alone0.length];
        for (int i = 0; i < mean.length; i++) mean[i] = (alone0[i] + alone1[i]) / 2;

        List<Collective> ranks = InJvmCollective.create(2, OPTIONS);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<INDArray>> params = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                params.add(pool.submit(() -> train(ranks.get(rank), rank)));
            }
            INDArray p0 = params.get(0).get(60, TimeUnit.SECONDS), p1 = params.get(1).get(60, TimeUnit.SECONDS);
            assertArrayEquals(p0.toFloatVector(), p1.toFloatVector(), 0, "every parameter, running statistics included, agrees");
            assertArrayEquals(mean, state(p0), 1e-6f);
        } finally {
            pool.shutdownNow();
            ranks.forEach(Collective::close);
        }
    }

    private static float[] state(INDArray params) {
        return new LayerState(Network.initialized(MODEL, 42, DataType.FLOAT).layout()).gather(params).toFloatVector();
    }

    /** One epoch of 4 unshuffled batches of rows shifted by the rank; returns the final parameters. */
    private static INDArray train(Collective collective, int rank) {
        Network net = Network.initialized(MODEL, 42, DataType.FLOAT);
        INDArray x = Nd4j.linspace(0, 1, 32 * 6, DataType.FLOAT).reshape(32, 6).addi(3 * rank);
        Dataset shard = new Dataset(x, Nd4j.zeros(DataType.FLOAT, 32, 1), new long[] {6}, 3);
        WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), OptimizerConfig.sgd(1e-30).create(net.layout(), DataType.FLOAT),
                collective, StepReporter.NONE);
        loop.run(shard, new TrainingPlan(1, 8, 4, 7, false, SyncMode.ALLREDUCE, 1, false));
        collective.close();
        return net.params();
    }
}
