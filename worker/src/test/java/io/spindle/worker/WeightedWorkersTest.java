package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.BatchSampler;
import io.spindle.core.train.RowOrder;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.InJvmCollective;
import io.spindle.worker.collective.RingAllReduce;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md's invariant with sample weights: two ranks with local batch 8 give one rank's parameters with batch 16 on
 * the same rows, because each rank divides by the global batch's weight sum (over the rank count), not its own. The
 * weights are drawn so that the two halves of a global batch weigh differently: dividing by a rank's own sum fails.
 */
class WeightedWorkersTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {12},
            List.of(Dense.Config.of(7, ActivationFunction.TANH), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final int ROWS = 64;

    @ParameterizedTest
    @ValueSource(strings = {"in-jvm", "ring", "ring-overlapped", "ring-serial-unsharded"})
    void twoWeightedRanksMatchOneRankOnTheSameGlobalBatches(String transport) throws Exception {
        Dataset rows = data();
        // Global batch t (16 rows) = rank 0's batch t (its first 8) + rank 1's batch t (its last 8).
        int[] even = new int[ROWS / 2], odd = new int[ROWS / 2];
        for (int i = 0; i < ROWS / 2; i++) {
            even[i] = i / 8 * 16 + i % 8;
            odd[i] = i / 8 * 16 + 8 + i % 8;
        }
        List<Dataset> halves = List.of(Shard.of(0, rows, even).toDataset(), Shard.of(1, rows, odd).toDataset());
        assertHalvesWeighDifferently(halves);
        List<Collective> ranks = transport.equals("in-jvm") ? InJvmCollective.create(2, options()) : ring(2);
        SyncPlan sync = switch (transport) {
            case "ring-overlapped" -> new SyncPlan(SyncMode.ALLREDUCE, 1, 64, true);
            default -> SyncPlan.allReduce();
        };
        // clip_norm keeps Adam whole: the plain all-reduce step rather than the sharded one.
        OptimizerConfig optimizer = transport.equals("ring-serial-unsharded") ? OptimizerConfig.adam(0.01).withClipNorm(5.0) : OptimizerConfig.adam(0.01);
        float[] one = train(List.of(rows), 16, InJvmCollective.create(1, options()), SyncPlan.allReduce(), optimizer).get(0);
        for (float[] rank : train(halves, 8, ranks, sync, optimizer)) assertClose(one, rank);
    }

    /** The test can only fail a wrong normaliser if some step's two local batches weigh differently. */
    private static void assertHalvesWeighDifferently(List<Dataset> halves) {
        BatchSampler a = new BatchSampler(halves.get(0), 8, RowOrder.source(halves.get(0).size())),
                b = new BatchSampler(halves.get(1), 8, RowOrder.source(halves.get(1).size()));
        a.startEpoch(0);
        b.startEpoch(0);
        double worst = 0;
        for (int s = 0; s < 4; s++) worst = Math.max(worst, Math.abs(a.weightSum(s) / b.weightSum(s) - 1));
        assertTrue(worst > 0.3, "the ranks' local weight sums are too alike: " + worst);
    }

    private static CollectiveOptions options() {
        return CollectiveOptions.defaults(CollectiveOptions.newSecret());
    }

    private static List<float[]> train(List<Dataset> shards, int localBatch, List<Collective> ranks, SyncPlan sync,
                                       OptimizerConfig optimizer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(shards.size());
        try {
            List<Future<float[]>> runs = new ArrayList<>();
            for (int r = 0; r < shards.size(); r++) {
                Collective c = ranks.get(r);
                Dataset shard = shards.get(r);
                runs.add(pool.submit(() -> {
                    Network net = Network.initialized(MODEL, 5, DataType.FLOAT);
                    WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), optimizer.create(net.layout(), DataType.FLOAT), c, StepReporter.NONE);
                    loop.synchronizeParameters();
                    loop.run(shard, new TrainingPlan(3, localBatch, shard.size() / localBatch, 1, false, sync, false, 0, 0, 0, 1));
                    return net.params().toFloatVector();
                }));
            }
            List<float[]> out = new ArrayList<>();
            for (Future<float[]> f : runs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
            ranks.forEach(Collective::close);
        }
    }

    /** Ring ranks on loopback, connected in parallel (each waits for its neighbours). */
    private static List<Collective> ring(int n) throws Exception {
        List<RingAllReduce.Endpoint> endpoints = new ArrayList<>();
        for (int r = 0; r < n; r++) endpoints.add(RingAllReduce.listen(r, InetAddress.getLoopbackAddress()));
        List<String> addresses = endpoints.stream().map(RingAllReduce.Endpoint::address).toList();
        CollectiveOptions options = options();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Collective>> connecting = new ArrayList<>();
            for (RingAllReduce.Endpoint e : endpoints) connecting.add(pool.submit(() -> RingAllReduce.connect(e, addresses, options)));
            List<Collective> ranks = new ArrayList<>();
            for (Future<Collective> f : connecting) ranks.add(f.get());
            return ranks;
        } finally {
            pool.shutdownNow();
        }
    }

    /** 64 rows of 3 classes; weights in [0.1, 4], the first 8 of every 16 rows about three times heavier. */
    private static Dataset data() {
        INDArray x = Nd4j.rand(DataType.FLOAT, ROWS, 12).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, ROWS, 1);
        float[] w = new float[ROWS];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < ROWS; i++) {
            y.putScalar(i, 0, i % 3);
            w[i] = (float) ((i % 16 < 8 ? 1.5 : 0.1) + rng.nextDouble() * 2.5);
        }
        return new Dataset(x, y, new long[] {12}, 3).withWeights(Nd4j.create(w), "w");
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        assertTrue(worst <= 1e-5, "worst relative difference " + worst);
    }
}
