package io.spindle.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.GraphNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.ModelInput;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.MergeConfig;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveException;
import io.spindle.worker.collective.ForwardingCollective;
import io.spindle.worker.collective.Ranks;
import io.spindle.worker.collective.WireFormat;
import io.spindle.worker.sync.GradientBuckets;
import io.spindle.worker.sync.OverlappedAllReduceSync;
import io.spindle.worker.sync.OverlappedShardedSync;
import io.spindle.worker.sync.SyncChoice;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step whose reduction runs bucket by bucket on a communication thread while backward goes on: the same bits as
 * the serial step on every transport that takes it, rank count and wire precision, sharded or not; the buckets are
 * really reduced on that thread; a peer that dies mid-bucket fails the step naming it, and the thread goes with the
 * worker; strangers on the ring's ports change nothing.
 */
class OverlappedStepTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {12}, List.of(Dense.Config.of(7, ActivationFunction.TANH),
            Dense.Config.of(5, ActivationFunction.RELU), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final long TINY_BUCKETS = 16;   // bytes: one parameter block a bucket
    private static final int ROWS_PER_RANK = 32, LOCAL_BATCH = 8, EPOCHS = 2;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Ranks.Kind.RING, 2, WireFormat.FLOAT32, 0.0),
                Arguments.of(Ranks.Kind.RING, 3, WireFormat.FLOAT32, 0.0),
                Arguments.of(Ranks.Kind.RING, 3, WireFormat.BFLOAT16, 0.0),
                Arguments.of(Ranks.Kind.RING, 3, WireFormat.FLOAT16, 1.0),   // clip_norm: every rank updates everything
                Arguments.of(Ranks.Kind.COORDINATOR, 3, WireFormat.BFLOAT16, 0.0),
                Arguments.of(Ranks.Kind.COORDINATOR, 2, WireFormat.FLOAT32, 1.0));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void overlappedTrainingGivesTheSerialStepsBits(Ranks.Kind kind, int n, WireFormat wire, double clipNorm) {
        OptimizerConfig adam = OptimizerConfig.adam(0.01).withClipNorm(clipNorm);
        List<Run> serial = train(kind, n, wire, adam, false, null);
        AtomicInteger onCommThread = new AtomicInteger(), gathersOnCommThread = new AtomicInteger();
        List<Run> overlapped = train(kind, n, wire, adam, true, onCommThread, gathersOnCommThread);
        for (int r = 0; r < n; r++) {
            // In a 16-bit wire the sharded step gathers rounded updates: the replicas must still agree to the bit.
            assertArrayEquals(serial.get(0).params, serial.get(r).params, kind + " rank " + r + " holds rank 0's parameters");
            assertArrayEquals(serial.get(r).params, overlapped.get(r).params, kind + " rank " + r + " parameters");
            assertArrayEquals(serial.get(r).state, overlapped.get(r).state, kind + " rank " + r + " optimizer state");
        }
        int buckets = new GradientBuckets(Network.initialized(MODEL, 5, DataType.FLOAT).layout(), TINY_BUCKETS).inBackwardOrder().size();
        int steps = EPOCHS * ROWS_PER_RANK / LOCAL_BATCH;
        assertEquals(n * steps * buckets, onCommThread.get(), "every bucket of every step reduced on the communication thread");
        boolean sharded = kind == Ranks.Kind.RING && clipNorm == 0;
        assertEquals(sharded ? n * steps * buckets : 0, gathersOnCommThread.get(),
                "the sharded step gathers every bucket of every step on the communication thread, behind the next forward");
    }

    /**
     * Four ranks on two executors (in memory within each, a ring between them): overlapped gives the serial bits, and
     * both match one worker on the same global batches within the N ≡ 1 tolerance.
     */
    @Test
    void hierarchicalRanksOverlapToTheirSerialBitsAndMatchOneWorker() {
        String[] executors = {"A", "A", "B", "B"};
        OptimizerConfig adam = OptimizerConfig.adam(0.01);
        List<Run> serial, overlapped;
        try (Ranks group = Ranks.hierarchical(executors, Ranks.options().withChunkBytes(64))) {
            serial = Ranks.inParallel(4, r -> trainInterleaved(group.ranks.get(r), r, 4, adam, false));
        }
        try (Ranks group = Ranks.hierarchical(executors, Ranks.options().withChunkBytes(64))) {
            overlapped = Ranks.inParallel(4, r -> trainInterleaved(group.ranks.get(r), r, 4, adam, true));
        }
        Run one;
        try (Ranks single = Ranks.open(Ranks.Kind.IN_JVM, 1, Ranks.options())) {
            one = trainInterleaved(single.ranks.get(0), 0, 1, adam, false);
        }
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(serial.get(r).params, overlapped.get(r).params, "rank " + r + ": overlapped = serial");
            assertArrayEquals(serial.get(0).params, serial.get(r).params, "every rank holds rank 0's parameters");
        }
        for (int i = 0; i < one.params.length; i++) {
            assertEquals(one.params[i], serial.get(0).params[i], 1e-4, "parameter " + i + ": 4 hierarchical workers = 1 worker");
        }
    }

    /**
     * Rank {@code rank} of {@code n}, local batch {@code 32 / n} without shuffling, on rows arranged so that every global
     * batch of 32 is the union of the ranks' local batches: N workers see what one worker with batch 32 sees.
     */
    private static Run trainInterleaved(Collective c, int rank, int n, OptimizerConfig optimizer, boolean overlap) {
        int local = 32 / n, rows = 128;
        int[] mine = java.util.stream.IntStream.range(0, rows).filter(i -> (i % 32) / local == rank).toArray();
        Dataset all = rows(rows);
        Network net = Network.initialized(MODEL, 5 + rank, DataType.FLOAT);
        Optimizer opt = optimizer.create(net.layout(), DataType.FLOAT);
        WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), opt, c, StepReporter.NONE);
        loop.synchronizeParameters();
        loop.run(Shard.of(rank, all, mine).toDataset(), new TrainingPlan(EPOCHS, local, mine.length / local, 1, false,
                new SyncPlan(SyncMode.ALLREDUCE, 1, TINY_BUCKETS, overlap), false, 0, 0, 0, 1));
        return new Run(net.params().toFloatVector(), opt.state().toFloatVector());
    }

    /** A graph (one node feeding two, merged by add): backward finishes nodes, not a chain, and the buckets still give the serial bits. */
    @Test
    void aGraphWithAFanOutOverlapsToTheSerialBits() {
        ModelConfig residual = new ModelConfig(List.of(new ModelInput("x", new long[] {12})), List.of(
                GraphNode.of("h", Dense.Config.of(7, ActivationFunction.TANH), "x"),
                GraphNode.of("a", Dense.Config.of(7, ActivationFunction.RELU), "h"),
                GraphNode.of("sum", MergeConfig.add(), List.of("h", "a")),
                GraphNode.of("logits", Dense.Config.of(3, ActivationFunction.IDENTITY), "sum")), "logits");
        List<Run> serial, overlapped;
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 3, Ranks.options().withChunkBytes(64))) {
            serial = Ranks.inParallel(3, r -> trainOne(residual, group.ranks.get(r), r, 3, OptimizerConfig.adam(0.01), false));
        }
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 3, Ranks.options().withChunkBytes(64))) {
            overlapped = Ranks.inParallel(3, r -> trainOne(residual, group.ranks.get(r), r, 3, OptimizerConfig.adam(0.01), true));
        }
        for (int r = 0; r < 3; r++) assertArrayEquals(serial.get(r).params, overlapped.get(r).params, "rank " + r);
    }

    @Test
    void theOverlappedSyncIsChosenForSeparateProcessesWithBuckets() {
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 2, Ranks.options())) {
            group.onAll(c -> {
                Network net = Network.initialized(MODEL, 5, DataType.FLOAT);
                SyncPlan buckets = new SyncPlan(SyncMode.ALLREDUCE, 1, TINY_BUCKETS, true);
                try (var sharded = SyncChoice.of(buckets, net, OptimizerConfig.adam(0.01).create(net.layout(), DataType.FLOAT), c);
                     var replicated = SyncChoice.of(buckets, net, OptimizerConfig.adam(0.01).withClipNorm(1).create(net.layout(), DataType.FLOAT), c)) {
                    assertInstanceOf(OverlappedShardedSync.class, sharded);
                    assertInstanceOf(OverlappedAllReduceSync.class, replicated);
                }
                return null;
            });
        }
    }

    @Test
    void aPeerThatDiesMidBucketFailsTheStepNamingItAndTheThreadEnds() {
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 2, Ranks.options().withTimeoutMillis(3_000))) {
            long start = System.nanoTime();
            List<Object> outcomes = Ranks.outcomes(2, r -> {
                Collective c = group.ranks.get(r);
                Collective dying = r == 1 ? new DiesAtWindowedCall(c, 3) : c;
                return trainOne(dying, r, 2, OptimizerConfig.adam(0.01), true);
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            CollectiveException e = assertInstanceOf(CollectiveException.class, outcomes.get(0), String.valueOf(outcomes.get(0)));
            assertTrue(e.getMessage().contains("rank 1"), e.getMessage());
            assertTrue(seconds < 3 + 5, "failed within the timeout: " + seconds + " s");
            assertInstanceOf(IllegalStateException.class, outcomes.get(1));
        }
        assertTrue(noBucketThreadAfter(5_000), "the communication threads end with their workers");
    }

    /**
     * The sharded step's eager schedule on a ring of 3 in bfloat16: the buckets backward releases first (here the last
     * 49 of the 149 values: [131, 149) and [126, 131)) are updated and gathered during backward, each after the next
     * bucket's reduce-scatter, and the others are gathered behind the next forward, first layers first. Every rank makes
     * the same calls in that one order, and the bits are the serial step's.
     */
    @Test
    void theEagerScheduleMakesOneFixedOrderOfCallsOnEveryRankAndGivesTheSerialBits() {
        OptimizerConfig adam = OptimizerConfig.adam(0.01);
        List<Run> serial = train(Ranks.Kind.RING, 3, WireFormat.BFLOAT16, adam, false, null);
        List<List<String>> calls = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>(), new java.util.ArrayList<>());
        List<Run> overlapped;
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 3, Ranks.options().withChunkBytes(64).withWireFormat(WireFormat.BFLOAT16))) {
            overlapped = Ranks.inParallel(3, r -> trainOne(new RecordsCommThreadCalls(group.ranks.get(r), calls.get(r)), r, 3, adam, true));
        }
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(serial.get(r).params, overlapped.get(r).params, "rank " + r + " parameters");
            assertArrayEquals(serial.get(r).state, overlapped.get(r).state, "rank " + r + " optimizer state");
        }
        List<String> oneStep = List.of("reduce 131", "reduce 126", "gather 131", "reduce 91", "gather 126", "reduce 84", "reduce 0",
                "gather 0", "gather 84", "gather 91");
        int steps = EPOCHS * ROWS_PER_RANK / LOCAL_BATCH;
        List<String> expected = new java.util.ArrayList<>();
        for (int s = 0; s < steps; s++) expected.addAll(oneStep);
        for (int r = 0; r < 3; r++) assertEquals(expected, calls.get(r), "rank " + r + "'s calls on its communication thread");
    }

    /**
     * A peer that dies in an eager gather, during backward (its sixth gather: the second step's first, after the first
     * step's two eager and three prefetched ones): the others' steps fail naming it, and their threads end.
     */
    @Test
    void aPeerThatDiesInAnEagerGatherFailsTheOthersStepsNamingIt() {
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 3, Ranks.options().withTimeoutMillis(3_000).withWireFormat(WireFormat.BFLOAT16))) {
            long start = System.nanoTime();
            List<Object> outcomes = Ranks.outcomes(3, r -> {
                Collective c = group.ranks.get(r);
                Collective dying = r == 1 ? new DiesAtGather(c, 6) : c;
                return trainOne(dying, r, 3, OptimizerConfig.adam(0.01), true);
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int r : new int[] {0, 2}) {
                CollectiveException e = assertInstanceOf(CollectiveException.class, outcomes.get(r), String.valueOf(outcomes.get(r)));
                assertTrue(e.getMessage().contains("rank 1"), "rank " + r + ": " + e.getMessage());
            }
            assertTrue(seconds < 3 + 5, "failed within the timeout: " + seconds + " s");
            assertInstanceOf(IllegalStateException.class, outcomes.get(1));
        }
        assertTrue(noBucketThreadAfter(5_000), "the communication threads end with their workers");
    }

    @Test
    void strangersOnTheRingsPortsChangeNothing() throws Exception {
        List<Run> clean = train(Ranks.Kind.RING, 3, WireFormat.FLOAT32, OptimizerConfig.adam(0.01), true, null);
        try (Ranks group = Ranks.open(Ranks.Kind.RING, 3, Ranks.options().withChunkBytes(64))) {
            AtomicBoolean training = new AtomicBoolean(true);
            Thread strangers = new Thread(() -> {
                for (int i = 0; i < 200 && training.get(); i++) {
                    for (String address : group.addresses) {
                        try (Socket s = new Socket()) {
                            String[] hp = address.split(":");
                            s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
                            OutputStream out = s.getOutputStream();
                            out.write(("GET / HTTP/1.1\r\n\r\n" + i).getBytes());
                            out.flush();
                        } catch (Exception ignored) {
                            // a refused or reset stranger is what we want
                        }
                    }
                }
            });
            strangers.start();
            List<Run> disturbed = Ranks.inParallel(3, r -> trainOne(group.ranks.get(r), r, 3, OptimizerConfig.adam(0.01), true));
            training.set(false);
            strangers.join(10_000);
            for (int r = 0; r < 3; r++) assertArrayEquals(clean.get(r).params, disturbed.get(r).params, "rank " + r);
        }
    }

    private record Run(float[] params, float[] state) {
    }

    private static List<Run> train(Ranks.Kind kind, int n, WireFormat wire, OptimizerConfig optimizer, boolean overlap, AtomicInteger onCommThread) {
        return train(kind, n, wire, optimizer, overlap, onCommThread, new AtomicInteger());
    }

    private static List<Run> train(Ranks.Kind kind, int n, WireFormat wire, OptimizerConfig optimizer, boolean overlap,
                                   AtomicInteger onCommThread, AtomicInteger gathersOnCommThread) {
        try (Ranks group = Ranks.open(kind, n, Ranks.options().withChunkBytes(64).withWireFormat(wire))) {
            return Ranks.inParallel(n, r -> {
                Collective c = onCommThread == null ? group.ranks.get(r) : new CountsCommThreadCalls(group.ranks.get(r), onCommThread, gathersOnCommThread);
                return trainOne(c, r, n, optimizer, overlap);
            });
        }
    }

    private static Run trainOne(Collective c, int rank, int n, OptimizerConfig optimizer, boolean overlap) {
        return trainOne(MODEL, c, rank, n, optimizer, overlap);
    }

    private static Run trainOne(ModelConfig model, Collective c, int rank, int n, OptimizerConfig optimizer, boolean overlap) {
        Network net = Network.initialized(model, 5 + rank, DataType.FLOAT);
        Optimizer opt = optimizer.create(net.layout(), DataType.FLOAT);
        WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), opt, c, StepReporter.NONE);
        loop.synchronizeParameters();
        TrainingPlan plan = new TrainingPlan(EPOCHS, LOCAL_BATCH, ROWS_PER_RANK / LOCAL_BATCH, 1, true,
                new SyncPlan(SyncMode.ALLREDUCE, 1, TINY_BUCKETS, overlap), false, 0, 0, 0, 1);
        loop.run(shard(rank, n), plan);
        return new Run(net.params().toFloatVector(), opt.state().toFloatVector());
    }

    /** Rank {@code rank}'s rows of one fixed dataset of {@code n × ROWS_PER_RANK} rows. */
    private static Dataset shard(int rank, int n) {
        int[] mine = java.util.stream.IntStream.range(rank * ROWS_PER_RANK, (rank + 1) * ROWS_PER_RANK).toArray();
        return Shard.of(rank, rows(n * ROWS_PER_RANK), mine).toDataset();
    }

    /** A fixed dataset of {@code count} rows of 12 features in [-0.5, 0.5) and 3 classes. */
    private static Dataset rows(int count) {
        java.util.Random random = new java.util.Random(77);
        float[] values = new float[count * 12];
        for (int i = 0; i < values.length; i++) values[i] = random.nextFloat() - 0.5f;
        INDArray x = Nd4j.createFromArray(values).reshape(count, 12);
        INDArray y = Nd4j.zeros(DataType.FLOAT, count, 1);
        for (int i = 0; i < count; i++) y.putScalar(i, 0, i % 3);
        return new Dataset(x, y, new long[] {12}, 3);
    }

    private static boolean noBucketThreadAfter(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive() && t.getName().startsWith("spindle-buckets"))) return true;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Counts the windowed reductions made on a communication thread (not the training thread). */
    private static final class CountsCommThreadCalls extends ForwardingCollective {
        private final AtomicInteger count, gathers;

        CountsCommThreadCalls(Collective inner, AtomicInteger count, AtomicInteger gathers) {
            super(inner);
            this.count = count;
            this.gathers = gathers;
        }

        @Override
        public void allReduceMean(INDArray buffer, long from, long to) {
            note(count);
            inner.allReduceMean(buffer, from, to);
        }

        @Override
        public void reduceScatterMean(INDArray buffer, long from, long to) {
            note(count);
            inner.reduceScatterMean(buffer, from, to);
        }

        @Override
        public void allGather(INDArray buffer, long from, long to) {
            note(gathers);
            inner.allGather(buffer, from, to);
        }

        @Override
        public void allGatherInWireFormat(INDArray buffer, long from, long to) {
            note(gathers);
            inner.allGatherInWireFormat(buffer, from, to);
        }

        private static void note(AtomicInteger counter) {
            if (Thread.currentThread().getName().startsWith("spindle-buckets-r")) counter.incrementAndGet();
        }
    }

    /** Records, in order, the windowed reductions and gathers made on a communication thread and the offsets they start at. */
    private static final class RecordsCommThreadCalls extends ForwardingCollective {
        private final List<String> calls;

        RecordsCommThreadCalls(Collective inner, List<String> calls) {
            super(inner);
            this.calls = calls;
        }

        @Override
        public void reduceScatterMean(INDArray buffer, long from, long to) {
            note("reduce " + from);
            inner.reduceScatterMean(buffer, from, to);
        }

        @Override
        public void allGather(INDArray buffer, long from, long to) {
            note("gather " + from);
            inner.allGather(buffer, from, to);
        }

        @Override
        public void allGatherInWireFormat(INDArray buffer, long from, long to) {
            note("gather " + from);
            inner.allGatherInWireFormat(buffer, from, to);
        }

        private void note(String call) {
            if (Thread.currentThread().getName().startsWith("spindle-buckets-r")) calls.add(call);
        }
    }

    /** A rank that dies (closes its transport and throws) at its {@code at}-th gather of a window. */
    private static final class DiesAtGather extends ForwardingCollective {
        private final int at;
        private int calls;

        DiesAtGather(Collective inner, int at) {
            super(inner);
            this.at = at;
        }

        @Override
        public void allGatherInWireFormat(INDArray buffer, long from, long to) {
            if (++calls == at) {
                inner.close();
                throw new IllegalStateException("rank 1 dies in a gather");
            }
            inner.allGatherInWireFormat(buffer, from, to);
        }
    }

    /** A rank that dies (closes its transport and throws) at its {@code at}-th windowed reduction. */
    private static final class DiesAtWindowedCall extends ForwardingCollective {
        private final int at;
        private int calls;

        DiesAtWindowedCall(Collective inner, int at) {
            super(inner);
            this.at = at;
        }

        @Override
        public void reduceScatterMean(INDArray buffer, long from, long to) {
            if (++calls == at) {
                inner.close();
                throw new IllegalStateException("rank 1 dies mid-bucket");
            }
            inner.reduceScatterMean(buffer, from, to);
        }
    }
}
