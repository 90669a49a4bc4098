package io.spindle.core.optim;

import io.spindle.core.kernel.FloatLoops;
import io.spindle.core.kernel.Memory;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.spindle.core.optim.ReferenceOptimizer.LAYOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every optimizer against the plain-Java reference, resume from a checkpoint, and the shared pre-steps. */
class OptimizerTest {
    private static final int N = (int) LAYOUT.size();
    private static final int STEPS = 6;

    static Stream<Arguments> configs() {
        // "full" adds every pre-step and a schedule that changes the rate at every one of the 6 steps.
        LearningRateSchedule cosine = LearningRateSchedule.cosine(0.05, 4, 0.005).withWarmup(2);
        return Stream.of(
                Arguments.of("sgd", OptimizerConfig.sgd(0.1)),
                Arguments.of("momentum", OptimizerConfig.momentum(0.1, 0.9)),
                Arguments.of("nesterov", OptimizerConfig.nesterov(0.1, 0.8)),
                Arguments.of("rmsprop", OptimizerConfig.rmsprop(0.01)),
                Arguments.of("adam", OptimizerConfig.adam(0.01)),
                Arguments.of("adamw", OptimizerConfig.adamw(0.01, 0.05)),
                Arguments.of("sgd full", full(OptimizerConfig.sgd(0.1)).withSchedule(LearningRateSchedule.stepDecay(0.1, 0.5, 2).withWarmup(1))),
                Arguments.of("momentum full", full(OptimizerConfig.momentum(0.1, 0.9)).withSchedule(LearningRateSchedule.exponential(0.1, 0.3, 2))),
                Arguments.of("nesterov full", full(OptimizerConfig.nesterov(0.1, 0.8)).withSchedule(cosine)),
                Arguments.of("rmsprop full", full(OptimizerConfig.rmsprop(0.01)).withRho(0.8).withEpsilon(1e-3).withSchedule(cosine)),
                Arguments.of("adam full", full(OptimizerConfig.adam(0.01)).withBetas(0.8, 0.95).withEpsilon(1e-4).withSchedule(cosine)),
                Arguments.of("adamw full", full(OptimizerConfig.adamw(0.01, 0.05)).withSchedule(cosine)));
    }

    private static OptimizerConfig full(OptimizerConfig c) {
        return c.withL2(0.03).withL1(0.01).withClipNorm(3.0).withWeightDecay(0.2);
    }

    /** Gradients for step k; odd steps are large, so clip_norm = 3 clips some steps and not others. */
    private static INDArray gradient(int k) {
        return TestArrays.gaussian(100 + k, DataType.DOUBLE, N).muli(k % 2 == 0 ? 0.5 : 3.0);
    }

    private static INDArray initialParams() {
        return TestArrays.gaussian(7, DataType.DOUBLE, N);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void matchesReference(String name, OptimizerConfig config) {
        Optimizer opt = config.create(LAYOUT, DataType.DOUBLE);
        ReferenceOptimizer ref = new ReferenceOptimizer(config, LAYOUT);
        INDArray params = initialParams();
        double[] expected = params.toDoubleVector();
        for (int k = 0; k < STEPS; k++) {
            INDArray g = gradient(k);
            ref.step(expected, g.toDoubleVector());
            opt.step(params, g);
            assertClose(expected, params.toDoubleVector(), name + " params after step " + (k + 1));
            assertClose(ref.state(), opt.state().toDoubleVector(), name + " state after step " + (k + 1));
        }
        assertEquals(STEPS, opt.iteration());
        assertEquals(config.schedule().rate(STEPS), opt.learningRate());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void matchesReferenceOnViewsIntoLargerBuffers(String name, OptimizerConfig config) {
        // As Network hands them over: rank-1 views at an offset, which ND4J orders 'f', not 'c'.
        INDArray paramBuffer = Nd4j.zeros(DataType.DOUBLE, N + 3), gradBuffer = Nd4j.zeros(DataType.DOUBLE, N + 3);
        INDArray params = paramBuffer.get(NDArrayIndex.interval(2, N + 2)).assign(initialParams());
        INDArray grads = gradBuffer.get(NDArrayIndex.interval(1, N + 1));
        Optimizer opt = config.create(LAYOUT, DataType.DOUBLE);
        ReferenceOptimizer ref = new ReferenceOptimizer(config, LAYOUT);
        double[] expected = params.toDoubleVector();
        for (int k = 0; k < STEPS; k++) {
            grads.assign(gradient(k));
            ref.step(expected, gradient(k).toDoubleVector());
            opt.step(params, grads);
        }
        assertClose(expected, params.toDoubleVector(), name);
        double[] all = paramBuffer.toDoubleVector();
        assertEquals(0.0, all[0] + all[1] + all[N + 2], name + ": values outside the view changed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void resumesFromStateExactly(String name, OptimizerConfig config) {
        INDArray straight = initialParams();
        Optimizer uninterrupted = config.create(LAYOUT, DataType.DOUBLE);
        for (int k = 0; k < STEPS; k++) uninterrupted.step(straight, gradient(k));

        INDArray resumed = initialParams();
        Optimizer first = config.create(LAYOUT, DataType.DOUBLE);
        for (int k = 0; k < 3; k++) first.step(resumed, gradient(k));
        INDArray checkpoint = first.state().dup();
        long iteration = first.iteration();
        first.step(resumed.dup(), gradient(99)); // the live state moves on; the checkpoint must not

        Optimizer second = config.create(LAYOUT, DataType.DOUBLE);
        second.restore(checkpoint, iteration);
        assertEquals(config.schedule().rate(3), second.learningRate());
        for (int k = 3; k < STEPS; k++) second.step(resumed, gradient(k));

        assertArrayEquals(straight.toDoubleVector(), resumed.toDoubleVector(), name);
        assertArrayEquals(uninterrupted.state().toDoubleVector(), second.state().toDoubleVector(), name);
        assertEquals(uninterrupted.iteration(), second.iteration());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void shardsSteppedApartGiveExactlyTheWholeStep(String name, OptimizerConfig config) {
        if (!config.create(LAYOUT, DataType.DOUBLE).shardable()) {
            assertThrows(IllegalStateException.class, () -> config.create(LAYOUT, DataType.DOUBLE).shard(0, 1), name);
            return;
        }
        INDArray whole = initialParams();
        Optimizer one = config.create(LAYOUT, DataType.DOUBLE);
        // Three workers, each with its own optimizer stepping one shard; the cuts split blocks as the
        // collective's chunks do. Writing into one shared params buffer stands in for the all-gather.
        INDArray sharded = initialParams();
        long[] cuts = {0, N / 3, 2 * N / 3 + 1, N};
        List<Optimizer> workers = new ArrayList<>(), shards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            workers.add(config.create(LAYOUT, DataType.DOUBLE));
            shards.add(workers.get(s).shard(cuts[s], cuts[s + 1]));
        }
        for (int k = 0; k < STEPS; k++) {
            INDArray g = gradient(k);
            one.step(whole, g.dup());
            for (int s = 0; s < 3; s++) {
                INDArrayIndex span = NDArrayIndex.interval(cuts[s], cuts[s + 1]);
                shards.get(s).step(sharded.get(span), g.get(span));
            }
        }
        assertArrayEquals(whole.toDoubleVector(), sharded.toDoubleVector(), name);
        int rows = (int) (one.state().length() / N);
        for (int s = 0; s < 3; s++) {
            assertEquals(STEPS, workers.get(s).iteration(), name + ": a shard's steps advance its parent");
            for (int r = 0; r < rows; r++) {
                INDArrayIndex span = NDArrayIndex.interval(r * N + cuts[s], r * N + cuts[s + 1]);
                assertArrayEquals(one.state().get(span).toDoubleVector(), workers.get(s).state().get(span).toDoubleVector(),
                        name + ": state row " + r + " of shard " + s);
            }
        }
    }

    /**
     * Three workers that each own one chunk of every bucket (two buckets cut into three chunks each, as the ring cuts
     * them): each steps its chunks as one step (one worker range by range), and together they give the whole step's bits
     * and state, with each parent's step counter advanced once per step, not once per range.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aShardOfSeveralRangesStepsThemAsOneStep(String name, OptimizerConfig config) {
        if (!config.create(LAYOUT, DataType.DOUBLE).shardable()) {
            assertThrows(IllegalStateException.class, () -> config.create(LAYOUT, DataType.DOUBLE).shard(List.of(new Optimizer.Range(0, 1))), name);
            return;
        }
        long[][] buckets = {{0, N / 2}, {N / 2, N}};
        INDArray whole = initialParams(), sharded = initialParams();
        Optimizer one = config.create(LAYOUT, DataType.DOUBLE);
        List<Optimizer> workers = new ArrayList<>(), shards = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            List<Optimizer.Range> owned = new ArrayList<>();
            for (long[] b : buckets) owned.add(new Optimizer.Range(b[0] + (b[1] - b[0]) * w / 3, b[0] + (b[1] - b[0]) * (w + 1) / 3));
            workers.add(config.create(LAYOUT, DataType.DOUBLE));
            shards.add(workers.get(w).shard(owned));
        }
        for (int k = 0; k < STEPS; k++) {
            INDArray g = gradient(k);
            one.step(whole, g.dup());
            for (int w = 0; w < 3; w++) {
                INDArray mine = g.dup();
                if (w == 1) {
                    // Range by range, the later range first, as the overlapped step updates a bucket's chunk when its gradients are final.
                    Optimizer.ByRange byRange = (Optimizer.ByRange) shards.get(w);
                    byRange.stepRange(1, sharded, mine);
                    byRange.stepRange(0, sharded, mine);
                    byRange.finishStep();
                } else {
                    shards.get(w).step(sharded, mine);
                }
            }
        }
        assertArrayEquals(whole.toDoubleVector(), sharded.toDoubleVector(), name);
        double[] expectedState = one.state().toDoubleVector();
        double[] merged = new double[expectedState.length];
        for (int w = 0; w < 3; w++) {
            assertEquals(STEPS, workers.get(w).iteration(), name + ": one advance per step");
            assertEquals(one.learningRate(), shards.get(w).learningRate(), name);
            double[] state = workers.get(w).state().toDoubleVector();
            for (int i = 0; i < state.length; i++) {
                long p = i % N;
                for (long[] b : buckets) {
                    if (p >= b[0] + (b[1] - b[0]) * w / 3 && p < b[0] + (b[1] - b[0]) * (w + 1) / 3) merged[i] = state[i];
                }
            }
        }
        assertArrayEquals(expectedState, merged, name + ": each worker's chunks of the state");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aStepOnTheMeanOfGradientsGivesTheBitsOfTheMeanThenAStep(String name, OptimizerConfig config) {
        boolean fuses = name.equals("adam") || name.equals("adamw");   // the penalties and clipping of "full" need the mean in memory
        assertEquals(fuses, fusesMean(config.create(LAYOUT, DataType.FLOAT)), name);
        assertFalse(fusesMean(config.create(LAYOUT, DataType.DOUBLE)), name + " in double");
        if (!fuses) {
            if (!(config.create(LAYOUT, DataType.FLOAT) instanceof MeanFusingOptimizer opt)) return;   // no such step to refuse
            INDArray gradient = gradient(0).castTo(DataType.FLOAT);
            ByteBuffer[] one = {Memory.of(gradient)};
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.stepOnMean(initialParams().castTo(DataType.FLOAT), one));
            java.lang.ref.Reference.reachabilityFence(gradient);
            assertTrue(e.getMessage().contains("average them first"), e.getMessage());
            return;
        }
        long from = N / 3;   // a shard, as a sharded step uses it: views into the whole buffers
        INDArrayIndex span = NDArrayIndex.interval(from, N);
        INDArray fusedParams = initialParams().castTo(DataType.FLOAT), plainParams = fusedParams.dup();
        MeanFusingOptimizer fused = (MeanFusingOptimizer) config.create(LAYOUT, DataType.FLOAT).shard(from, N);
        Optimizer plain = config.create(LAYOUT, DataType.FLOAT).shard(from, N);
        for (int k = 0; k < STEPS; k++) {
            INDArray[] ranks = {gradient(k).castTo(DataType.FLOAT), gradient(k + 50).castTo(DataType.FLOAT), gradient(k + 90).castTo(DataType.FLOAT)};
            ByteBuffer[] shards = new ByteBuffer[ranks.length];
            for (int r = 0; r < ranks.length; r++) shards[r] = Memory.of(ranks[r].get(span));
            INDArray mean = Nd4j.create(DataType.FLOAT, N - from);
            FloatLoops.mean(shards, Memory.of(mean), 0, (int) (N - from));
            plain.step(plainParams.get(span), mean);
            fused.stepOnMean(fusedParams.get(span), shards);
            java.lang.ref.Reference.reachabilityFence(ranks);   // Memory.of's buffers do not keep their arrays alive
            assertArrayEquals(plainParams.toFloatVector(), fusedParams.toFloatVector(), name + " params after step " + (k + 1));
            assertArrayEquals(plain.state().toFloatVector(), fused.state().toFloatVector(), name + " state after step " + (k + 1));
        }
        assertEquals(STEPS, fused.iteration());
    }

    private static boolean fusesMean(Optimizer optimizer) {
        return optimizer instanceof MeanFusingOptimizer m && m.fusesMean();
    }

    @Test
    void stateHasOneRowPerQuantityInTheParamLayout() {
        assertEquals(0, OptimizerConfig.sgd(0.1).create(LAYOUT, DataType.FLOAT).state().length());
        assertEquals(N, OptimizerConfig.momentum(0.1, 0.9).create(LAYOUT, DataType.FLOAT).state().length());
        assertEquals(N, OptimizerConfig.nesterov(0.1, 0.9).create(LAYOUT, DataType.FLOAT).state().length());
        assertEquals(N, OptimizerConfig.rmsprop(0.1).create(LAYOUT, DataType.FLOAT).state().length());
        Optimizer adam = OptimizerConfig.adam(0.1).create(LAYOUT, DataType.FLOAT);
        assertEquals(2L * N, adam.state().length());
        assertEquals(DataType.FLOAT, adam.state().dataType());
    }

    @Test
    void l2AndL1PenaliseOnlyRegularizedBlocks() {
        // SGD at rate 1 with a zero loss gradient moves p by exactly minus the penalty gradient.
        INDArray p = initialParams();
        double[] before = p.toDoubleVector();
        OptimizerConfig.sgd(1).withL2(0.1).withL1(0.02).create(LAYOUT, DataType.DOUBLE).step(p, Nd4j.zeros(DataType.DOUBLE, N));
        double[] after = p.toDoubleVector();
        for (int i = 0; i < N; i++) {
            double penalty = LAYOUT.blockAt(i).regularized() ? 0.1 * before[i] + 0.02 * Math.signum(before[i]) : 0;
            assertEquals(before[i] - penalty, after[i], 1e-15, LAYOUT.blockAt(i).label());
        }
        assertEquals(before[5], after[5]); // a bias, bit for bit
    }

    @Test
    void decoupledWeightDecayShrinksOnlyWeights() {
        INDArray p = initialParams();
        double[] before = p.toDoubleVector();
        // Adam's step for a zero gradient is exactly 0, which isolates the decay p -= lr·wd·p.
        OptimizerConfig.adamw(0.01, 0.5).create(LAYOUT, DataType.DOUBLE).step(p, Nd4j.zeros(DataType.DOUBLE, N));
        double[] after = p.toDoubleVector();
        for (int i = 0; i < N; i++) {
            double expected = LAYOUT.blockAt(i).regularized() ? before[i] - 0.01 * 0.5 * before[i] : before[i];
            assertEquals(expected, after[i], 1e-15, LAYOUT.blockAt(i).label());
        }
    }

    @Test
    void clippingScalesTheGlobalNormToExactlyClipNorm() {
        Optimizer opt = OptimizerConfig.sgd(1).withClipNorm(2.0).create(LAYOUT, DataType.DOUBLE);
        INDArray p = initialParams(), before = p.dup();
        INDArray g = TestArrays.gaussian(3, DataType.DOUBLE, N).muli(10);
        INDArray original = g.dup();
        opt.step(p, g);
        INDArray moved = before.sub(p);
        assertEquals(2.0, moved.norm2Number().doubleValue(), 1e-12);
        assertClose(original.mul(2.0 / original.norm2Number().doubleValue()).toDoubleVector(), moved.toDoubleVector(), "direction");

        INDArray small = original.mul(0.1 / original.norm2Number().doubleValue());
        INDArray p2 = before.dup();
        opt.step(p2, small.dup());
        assertArrayEquals(before.sub(small).toDoubleVector(), p2.toDoubleVector(), 1e-15, "under the threshold nothing is scaled");
    }

    @Test
    void learningRateFollowsTheSchedule() {
        Optimizer opt = OptimizerConfig.sgd(0.1).withSchedule(LearningRateSchedule.stepDecay(0.1, 0.5, 2))
                .create(LAYOUT, DataType.FLOAT);
        INDArray p = Nd4j.zeros(DataType.FLOAT, N);
        assertEquals(0.1, opt.learningRate());
        opt.step(p, Nd4j.zeros(DataType.FLOAT, N));
        opt.step(p, Nd4j.zeros(DataType.FLOAT, N));
        assertEquals(0.05, opt.learningRate());
        opt.restore(opt.state(), 4);
        assertEquals(0.025, opt.learningRate());
    }

    @Test
    void adamConvergesOnAQuadraticInFloat() {
        // f(p) = ½ Σ a_i (p_i - c_i)², gradient a ⊙ (p - c), curvatures spread over two decades.
        INDArray a = TestArrays.uniform(11, DataType.FLOAT, 0.1, 10, N);
        INDArray c = TestArrays.gaussian(12, DataType.FLOAT, N);
        INDArray p = Nd4j.zeros(DataType.FLOAT, N);
        Optimizer opt = OptimizerConfig.adam(0.05).withSchedule(LearningRateSchedule.cosine(0.05, 1500, 0))
                .create(LAYOUT, DataType.FLOAT);
        for (int k = 0; k < 1500; k++) opt.step(p, p.sub(c).muli(a));
        double maxError = Transforms.abs(p.sub(c)).maxNumber().doubleValue();
        assertTrue(maxError < 1e-3, "distance to the minimum " + maxError);
    }

    @Test
    void rejectsBuffersOfTheWrongSizeOrType() {
        Optimizer opt = OptimizerConfig.adam(0.01).create(LAYOUT, DataType.FLOAT);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> opt.step(Nd4j.zeros(DataType.FLOAT, N + 1), Nd4j.zeros(DataType.FLOAT, N + 1)));
        assertTrue(size.getMessage().contains("rank-1 buffer of 11"), size.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> opt.step(Nd4j.zeros(DataType.DOUBLE, N), Nd4j.zeros(DataType.DOUBLE, N)));
        assertTrue(type.getMessage().contains("DOUBLE"), type.getMessage());
        IllegalArgumentException state = assertThrows(IllegalArgumentException.class,
                () -> opt.restore(Nd4j.zeros(DataType.FLOAT, N), 3));
        assertTrue(state.getMessage().contains("22"), state.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.sgd(0.1).create(LAYOUT, DataType.INT32));
        assertEquals(0, opt.iteration());
    }

    /** Equal to within 1e-12, relative to the magnitude where that exceeds 1. */
    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-12 * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + " [" + i + "]: expected " + expected[i] + " but was " + actual[i]);
        }
    }
}
