package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.Dropout;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.TrainingDivergedException;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two in-JVM ranks: a run restarted from a mid-epoch checkpoint (parameters, optimizer state, position)
 * ends with exactly the parameters of the uninterrupted run, dropout included; a NaN stops the loop
 * naming the step and the layer.
 */
class WorkerLoopResumeTest {
    private static final ModelConfig MODEL = new ModelConfig(new long[] {6}, List.of(
            Dense.Config.of(16, ActivationFunction.RELU), new Dropout.Config(0.3), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    // 2 ranks × 40 rows, local batch 8: 5 steps per epoch; 3 epochs; a checkpoint every 3 steps.
    private static final TrainingPlan PLAN = new TrainingPlan(3, 8, 5, 17, true, SyncMode.ALLREDUCE, 1, false, 3);

    /** What rank 0 reported: the last mid-epoch checkpoint before global step {@code upTo}. */
    private static final class Recorder implements StepReporter {
        final long upTo;
        StartPoint start;
        float[] params, state;
        long iteration;

        Recorder(long upTo) {
            this.upTo = upTo;
        }

        @Override
        public void checkpoint(StartPoint s, INDArray p, INDArray st, long it) {
            if (it > upTo) return;
            start = s;
            params = p.toFloatVector();   // training's own buffers: copied, as the driver's reader does
            state = st.toFloatVector();
            iteration = it;
        }
    }

    private static Dataset shard(int rank) {
        Nd4j.getRandom().setSeed(100 + rank);
        INDArray x = Nd4j.rand(DataType.FLOAT, 40, 6).subi(0.5);
        INDArray y = x.getColumn(0).gt(0).castTo(DataType.FLOAT).add(x.getColumn(1).gt(0).castTo(DataType.FLOAT)).reshape(40, 1);
        return new Dataset(x, y, new long[] {6}, 3);
    }

    /** Runs both ranks from {@code start}; restored params/state when non-null. Returns rank 0's final parameters. */
    private static float[] train(StartPoint start, float[] params, float[] state, long iteration, StepReporter reporter,
                                 List<Dataset> shards) throws Exception {
        List<Collective> group = InJvmCollective.create(2, CollectiveOptions.defaults(new byte[CollectiveOptions.SECRET_BYTES]).withTimeoutMillis(10_000));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (Collective c = group.get(rank)) {
                        Network net = Network.initialized(MODEL, 5 + 7919L * rank, DataType.FLOAT);
                        Optimizer opt = OptimizerConfig.adam(1e-2).create(net.layout(), DataType.FLOAT);
                        if (params != null) {
                            net.params().assign(Nd4j.createFromArray(params));
                            opt.restore(Nd4j.createFromArray(state), iteration);
                        }
                        WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), opt, c, reporter);
                        loop.synchronizeParameters();
                        loop.run(shards.get(rank), PLAN, start);
                        return net.params().toFloatVector();
                    }
                }));
            }
            List<float[]> finals = new ArrayList<>();
            Exception first = null;
            for (Future<float[]> f : results) {
                try {
                    finals.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    // The rank that diverged explains it; its peer only sees the collective break.
                    if (first == null || e.getCause() instanceof TrainingDivergedException) first = (Exception) e.getCause();
                }
            }
            if (first != null) throw first;
            assertArrayEquals(finals.get(0), finals.get(1), "replicas agree");
            return finals.get(0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void resumingFromAMidEpochCheckpointGivesTheUninterruptedParameters() throws Exception {
        List<Dataset> shards = List.of(shard(0), shard(1));
        Recorder recorder = new Recorder(7);
        float[] uninterrupted = train(StartPoint.BEGINNING, null, null, 0, recorder, shards);
        // Global step 6 is epoch 2's step 1 (0-based): resume mid-epoch, with the epoch's figures so far.
        assertEquals(6, recorder.iteration);
        assertEquals(2, recorder.start.epoch());
        assertEquals(1, recorder.start.step());
        assertEquals(16, recorder.start.totals()[2], "rows seen in epoch 2 before the checkpoint, over both ranks");
        float[] resumed = train(recorder.start, recorder.params, recorder.state, recorder.iteration, StepReporter.NONE, shards);
        assertArrayEquals(uninterrupted, resumed);
    }

    @Test
    void aNaNInTheDataStopsAtItsStep() {
        Dataset bad = shard(1);
        bad.features().putScalar(new long[] {3, 2}, Float.NaN);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> train(StartPoint.BEGINNING, null, null, 0, StepReporter.NONE, List.of(shard(0), bad)));
        assertTrue(e.getMessage().contains("at epoch 1, step ") && e.getMessage().contains("on worker 1"), e.getMessage());
        assertTrue(e.getMessage().contains("the input batch holds NaN"), e.getMessage());
    }

    @Test
    void anInfiniteParameterNamesItsLayer() {
        Network net = Network.initialized(MODEL, 5, DataType.FLOAT);
        float[] params = net.params().toFloatVector();
        // The last block is layer 2's bias: an update that overflowed there.
        params[params.length - 1] = Float.POSITIVE_INFINITY;
        float[] state = new float[2 * params.length];
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> train(new StartPoint(2, 3, new double[3]), params, state, 8, StepReporter.NONE, List.of(shard(0), shard(1))));
        assertTrue(e.getMessage().contains("at epoch 2, step 4 (global step 9)"), e.getMessage());
        assertTrue(e.getMessage().contains("parameters of layer 2 (dense)"), e.getMessage());
    }
}
