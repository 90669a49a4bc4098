package io.spindle.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.GradientSync;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.InJvmCollective;
import io.spindle.worker.collective.RingAllReduce;
import io.spindle.worker.sync.InJvmShardedSync;
import io.spindle.worker.sync.SyncChoice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sharded all-reduce step (each rank updates its shard, then all-gathers) against one rank doing the
 * whole batch: the same parameters, the same gathered optimizer state and step count on every rank. With
 * clip_norm the optimizer cannot be sharded and the replicated step must give the same answer too.
 */
class ShardedStepLoopTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {12},
            List.of(Dense.Config.of(7, ActivationFunction.TANH), Dense.Config.of(3, ActivationFunction.IDENTITY)));

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0})
    void twoShardedRanksMatchOneRankOnTheSameRows(double clipNorm) throws Exception {
        OptimizerConfig adam = OptimizerConfig.adam(0.01).withClipNorm(clipNorm);
        // One rank sees rows 0..63 in order as batches of 16; two ranks see rows split so that each global
        // batch of 16 is the union of their local batches of 8 (no shuffle, interleaved shards).
        Dataset rows = data(64);
        int[] even = new int[32], odd = new int[32];
        for (int i = 0; i < 32; i++) {
            int batch = i / 8, k = i % 8;
            even[i] = batch * 16 + k;
            odd[i] = batch * 16 + 8 + k;
        }
        List<Run> one = train(List.of(rows), 16, adam);
        List<Run> two = train(List.of(Shard.of(0, rows, even).toDataset(), Shard.of(1, rows, odd).toDataset()), 8, adam);
        for (Run r : two) {
            assertClose(one.get(0).params, r.params, "parameters");
            assertClose(one.get(0).state, r.state, "optimizer state");
            assertEquals(one.get(0).iteration, r.iteration);
        }
        assertEquals(8, one.get(0).iteration);
    }

    /**
     * In-JVM ranks average the gradients inside Adam's pass (the optimizer reads every rank's shard); ring ranks
     * reduce-scatter first and step on the mean. Two ranks sum in the same order either way, so the bits agree.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.05})
    void averagingInsideAdamGivesTheBitsOfAReduceScatterThenAStep(double weightDecay) throws Exception {
        OptimizerConfig adam = weightDecay == 0 ? OptimizerConfig.adam(0.01) : OptimizerConfig.adamw(0.01, weightDecay);
        Dataset rows = data(64);
        List<Dataset> shards = List.of(Shard.of(0, rows, range(0, 32)).toDataset(), Shard.of(1, rows, range(32, 64)).toDataset());
        List<Run> fused = train(shards, 8, adam, InJvmCollective.create(2, CollectiveOptions.defaults(CollectiveOptions.newSecret())));
        List<Run> reduced = train(shards, 8, adam, ring(2));
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(reduced.get(r).params, fused.get(r).params, "parameters of rank " + r);
            assertArrayEquals(reduced.get(r).state, fused.get(r).state, "optimizer state of rank " + r);
        }
        assertEquals(8, fused.get(0).iteration);
    }

    /**
     * Three in-JVM ranks (a sum order that 2 would not show): Adam's own averaging is taken, every step, and gives the
     * bits of the same Adam stepping on the reduce-scatter's mean.
     */
    @org.junit.jupiter.api.Test
    void threeRanksAveragingInsideAdamMatchAdamOnTheReduceScattersMean() throws Exception {
        Dataset rows = data(96);
        List<Dataset> shards = List.of(Shard.of(0, rows, range(0, 32)).toDataset(), Shard.of(1, rows, range(32, 64)).toDataset(),
                Shard.of(2, rows, range(64, 96)).toDataset());
        OptimizerConfig adam = OptimizerConfig.adamw(0.01, 0.05);
        assertEquals(List.of(true, true, true), inJvmSyncAveragesInUpdate(adam, false), "every rank hands Adam the ranks' gradients");
        assertEquals(List.of(false, false, false), inJvmSyncAveragesInUpdate(adam, true), "an optimizer that cannot average reduce-scatters first");
        List<Run> fused = train(shards, 8, adam, InJvmCollective.create(3, CollectiveOptions.defaults(CollectiveOptions.newSecret())), false);
        List<Run> plain = train(shards, 8, adam, InJvmCollective.create(3, CollectiveOptions.defaults(CollectiveOptions.newSecret())), true);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(plain.get(r).params, fused.get(r).params, "parameters of rank " + r);
            assertArrayEquals(plain.get(r).state, fused.get(r).state, "optimizer state of rank " + r);
        }
    }

    /** Per rank of three in-JVM ranks: the sync a loop of {@code optimizer} runs, and whether it averages inside the update. */
    private static List<Boolean> inJvmSyncAveragesInUpdate(OptimizerConfig optimizer, boolean withoutFusedMean) {
        List<Collective> ranks = InJvmCollective.create(3, CollectiveOptions.defaults(CollectiveOptions.newSecret()));
        try {
            List<Boolean> out = new ArrayList<>();
            for (Collective c : ranks) {
                Network net = Network.initialized(MODEL, 5, DataType.FLOAT);
                Optimizer created = optimizer.create(net.layout(), DataType.FLOAT);
                Optimizer opt = withoutFusedMean ? new NoFusedMean(created) : created;
                GradientSync sync = SyncChoice.of(SyncPlan.allReduce(), net, opt, c);
                out.add(sync instanceof InJvmShardedSync inJvm && inJvm.averagesInUpdate());
            }
            return out;
        } finally {
            ranks.forEach(Collective::close);
        }
    }

    /** The same optimizer, but one that says it cannot average gradients itself (and so its shards neither). */
    private record NoFusedMean(Optimizer inner) implements Optimizer {
        @Override
        public void step(INDArray params, INDArray grads) {
            inner.step(params, grads);
        }

        @Override
        public INDArray state() {
            return inner.state();
        }

        @Override
        public long iteration() {
            return inner.iteration();
        }

        @Override
        public void restore(INDArray state, long iteration) {
            inner.restore(state, iteration);
        }

        @Override
        public boolean shardable() {
            return inner.shardable();
        }

        @Override
        public Optimizer shard(long from, long to) {
            return new NoFusedMean(inner.shard(from, to));
        }

        @Override
        public Optimizer shard(java.util.List<Range> ranges) {
            return new NoFusedMean(inner.shard(ranges));
        }

        @Override
        public double learningRate() {
            return inner.learningRate();
        }
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    /** Two ring ranks on loopback, connected in parallel (each waits for its neighbours). */
    private static List<Collective> ring(int n) throws Exception {
        CollectiveOptions options = CollectiveOptions.defaults(CollectiveOptions.newSecret());
        List<RingAllReduce.Endpoint> endpoints = new ArrayList<>();
        for (int r = 0; r < n; r++) endpoints.add(RingAllReduce.listen(r, InetAddress.getLoopbackAddress()));
        List<String> addresses = endpoints.stream().map(RingAllReduce.Endpoint::address).toList();
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

    private record Run(float[] params, float[] state, long iteration) {
    }

    private static List<Run> train(List<Dataset> shards, int localBatch, OptimizerConfig optimizer) throws Exception {
        return train(shards, localBatch, optimizer, InJvmCollective.create(shards.size(), CollectiveOptions.defaults(CollectiveOptions.newSecret())));
    }

    private static List<Run> train(List<Dataset> shards, int localBatch, OptimizerConfig optimizer, List<Collective> ranks) throws Exception {
        return train(shards, localBatch, optimizer, ranks, false);
    }

    private static List<Run> train(List<Dataset> shards, int localBatch, OptimizerConfig optimizer, List<Collective> ranks,
                                   boolean withoutFusedMean) throws Exception {
        int n = shards.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Run>> runs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                Collective c = ranks.get(r);
                Dataset shard = shards.get(r);
                runs.add(pool.submit(() -> {
                    Network net = Network.initialized(MODEL, 5, DataType.FLOAT);
                    Optimizer created = optimizer.create(net.layout(), DataType.FLOAT);
                    Optimizer opt = withoutFusedMean ? new NoFusedMean(created) : created;
                    WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), opt, c, StepReporter.NONE);
                    loop.synchronizeParameters();
                    loop.run(shard, new TrainingPlan(2, localBatch, shard.size() / localBatch, 1, false, SyncMode.ALLREDUCE, 1, false));
                    return new Run(net.params().toFloatVector(), opt.state().toFloatVector(), opt.iteration());
                }));
            }
            List<Run> out = new ArrayList<>();
            for (Future<Run> f : runs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
            ranks.forEach(Collective::close);
        }
    }

    private static Dataset data(int rows) {
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 12).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, 1);
        for (int i = 0; i < rows; i++) y.putScalar(i, 0, i % 3);
        return new Dataset(x, y, new long[] {12}, 3);
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        assertTrue(worst <= 1e-4, what + ": worst relative difference " + worst);
    }
}
