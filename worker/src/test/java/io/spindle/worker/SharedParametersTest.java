package io.spindle.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.BatchNorm;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.InJvmCollective;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-JVM ranks that train one parameter buffer: the same bits as ranks with a copy each, one memory holding rank 0's
 * values, and each rank's own buffer wherever sharing would be wrong.
 */
class SharedParametersTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {12},
            List.of(Dense.Config.of(7, ActivationFunction.RELU), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final TrainingPlan PLAN = new TrainingPlan(3, 8, 4, 1, true, SyncMode.ALLREDUCE, 1, false);
    private static final OptimizerConfig ADAM = OptimizerConfig.adam(0.01);

    @Test
    void ranksSharingOneBufferTrainTheBitsOfRanksWithACopyEach() throws Exception {
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 12).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 64, 1);
        for (int i = 0; i < 64; i++) y.putScalar(i, 0, i % 3);
        List<float[]> copies = train(false, x, y), shared = train(true, x, y);
        assertArrayEquals(copies.get(0), shared.get(0), "rank 0's parameters after 3 epochs");
        assertArrayEquals(shared.get(0), shared.get(1));
        assertArrayEquals(copies.get(0), copies.get(1));
    }

    @Test
    void inJvmRanksOfAShardedStepShareOneMemoryHoldingRankZerosValues() throws Exception {
        float[] rankZero = Network.initialized(MODEL, 5, DataType.FLOAT).params().toFloatVector();
        List<Network[]> nets = onRanks(2, (rank, c) -> {
            Network initial = Network.initialized(MODEL, 5 + rank, DataType.FLOAT);
            return new Network[] {initial, SharedParameters.adopt(initial, 5 + rank, ADAM.create(initial.layout(), DataType.FLOAT), PLAN, c)};
        });
        for (Network[] n : nets) {
            assertNotSame(n[0], n[1]);
            assertArrayEquals(rankZero, n[1].params().toFloatVector());
        }
        assertEquals(nets.get(0)[1].params().data().address(), nets.get(1)[1].params().data().address(), "one memory");
    }

    @Test
    void ranksKeepTheirOwnBufferWhereSharingWouldBeWrong() throws Exception {
        ModelConfig batchNorm = new ModelConfig(new long[] {12}, List.of(Dense.Config.of(7, ActivationFunction.IDENTITY),
                BatchNorm.Config.defaults(), Dense.Config.of(3, ActivationFunction.IDENTITY)));
        TrainingPlan average = new TrainingPlan(3, 8, 4, 1, true, SyncMode.AVERAGE, 2, false);
        assertKeepsItsOwn(MODEL, ADAM, average, 2);                        // each replica steps alone
        assertKeepsItsOwn(MODEL, ADAM.withClipNorm(1.0), PLAN, 2);         // every rank updates every parameter
        assertKeepsItsOwn(batchNorm, ADAM, PLAN, 2);                       // running statistics are each rank's own
        assertKeepsItsOwn(MODEL, ADAM, PLAN, 1);                           // nobody to share with
    }

    private static void assertKeepsItsOwn(ModelConfig model, OptimizerConfig optimizer, TrainingPlan plan, int ranks) throws Exception {
        for (Network[] n : onRanks(ranks, (rank, c) -> {
            Network initial = Network.initialized(model, 5 + rank, DataType.FLOAT);
            return new Network[] {initial, SharedParameters.adopt(initial, 5 + rank, optimizer.create(initial.layout(), DataType.FLOAT), plan, c)};
        })) {
            assertSame(n[0], n[1]);
        }
    }

    /** Two ranks, 3 shuffled epochs of Adam on 32 of the rows each; every rank's final parameters. */
    private static List<float[]> train(boolean share, INDArray x, INDArray y) throws Exception {
        return onRanks(2, (rank, c) -> {
            Network net = Network.initialized(MODEL, 5 + rank, DataType.FLOAT);
            Optimizer optimizer = ADAM.create(net.layout(), DataType.FLOAT);
            if (share) net = SharedParameters.adopt(net, 5 + rank, optimizer, PLAN, c);
            WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), optimizer, c, StepReporter.NONE);
            loop.synchronizeParameters();
            Dataset shard = new Dataset(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(32 * rank, 32 * rank + 32)).dup(),
                    y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(32 * rank, 32 * rank + 32)).dup(), new long[] {12}, 3);
            loop.run(shard, PLAN);
            return net.params().toFloatVector();
        });
    }

    private interface RankWork<T> {
        T run(int rank, Collective collective) throws Exception;
    }

    private static <T> List<T> onRanks(int n, RankWork<T> work) throws Exception {
        List<Collective> ranks = InJvmCollective.create(n, CollectiveOptions.defaults(CollectiveOptions.newSecret()).withTimeoutMillis(20_000));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> work.run(rank, ranks.get(rank))));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get(60, TimeUnit.SECONDS));
            return out;
        } finally {
            pool.shutdownNow();
            ranks.forEach(Collective::close);
        }
    }
}
