package io.spindle.bench;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.SharedParameters;
import io.spindle.worker.StepReporter;
import io.spindle.worker.SyncMode;
import io.spindle.worker.TrainingPlan;
import io.spindle.worker.WorkerLoop;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.InJvmCollective;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * fashion-mlp trained by N synchronised {@link WorkerLoop}s, one thread each, over the in-JVM collective, with
 * no Spark at all: the same step loop as {@code bench/run distributed}'s in-JVM line, without the driver, its
 * threads and Spark's scheduling around it. After a warm-up epoch, per epoch: samples/s and each rank's share of
 * time in the collective; then each rank's heap garbage per step.
 * Run through {@code bench/run workers [N] [GLOBAL_BATCH] [EPOCHS]}.
 */
public final class InJvmWorkers {
    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int globalBatch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Dataset train = IdxReader.read(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), null);
        int shardRows = train.size() / workers;
        int local = globalBatch / workers;
        TrainingPlan plan = new TrainingPlan(epochs, local, TrainingPlan.stepsFor(shardRows, local), 42, true, SyncMode.ALLREDUCE, 1, false);
        // One epoch first, unmeasured: until the JIT has compiled them, the Vector API loops allocate a boxed array per vector.
        TrainingPlan warmUp = new TrainingPlan(1, local, plan.stepsPerEpoch(), 7, true, SyncMode.ALLREDUCE, 1, false);
        List<Collective> ranks = InJvmCollective.create(workers, CollectiveOptions.defaults(CollectiveOptions.newSecret()));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<List<EpochStats>>> done = new ArrayList<>();
        List<WorkerLoop> loops = new ArrayList<>(java.util.Collections.nCopies(workers, (WorkerLoop) null));
        long[] allocated = new long[workers];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < workers; r++) {
            Collective c = ranks.get(r);
            Dataset shard = train.rows(r * shardRows, (r + 1) * shardRows);
            ModelConfig cfg = new ModelConfig(new long[] {784}, List.of(Dense.Config.of(256, ActivationFunction.RELU),
                    Dense.Config.of(128, ActivationFunction.RELU), Dense.Config.of(10, ActivationFunction.IDENTITY)));
            Network initial = Network.initialized(cfg, 42 + r, DataType.FLOAT);
            Optimizer optimizer = OptimizerConfig.adam(1e-3).create(initial.layout(), DataType.FLOAT);
            int rank = r;
            done.add(pool.submit(() -> {
                // As the Spark workers do: one parameter buffer for all ranks where they can share it.
                Network net = SharedParameters.adopt(initial, 42 + rank, optimizer, plan, c);
                WorkerLoop loop = new WorkerLoop(net, Loss.softmaxCrossEntropy(), optimizer, c, StepReporter.NONE);
                loops.set(rank, loop);
                loop.synchronizeParameters();
                loop.run(shard, warmUp);
                long before = threads.getCurrentThreadAllocatedBytes();
                List<EpochStats> h = loop.run(shard, plan);
                allocated[rank] = threads.getCurrentThreadAllocatedBytes() - before;
                return h;
            }));
        }
        List<EpochStats> h = done.get(0).get();
        for (Future<List<EpochStats>> f : done) f.get();
        pool.shutdown();
        for (int e = 0; e < h.size(); e++) {
            StringBuilder shares = new StringBuilder();
            for (WorkerLoop loop : loops) {
                shares.append(String.format(Locale.ROOT, " %.1f%%", 100 * loop.collectiveSeconds().get(e + 1) / h.get(e).seconds()));   // after the warm-up's
            }
            System.out.printf(Locale.ROOT, "%d workers x batch %d, epoch %d: %,.0f samples/s, loss %.4f, time in the collective per rank:%s%n",
                    workers, local, e + 1, h.get(e).samplesPerSecond(), h.get(e).trainLoss(), shares);
        }
        long steps = (long) plan.stepsPerEpoch() * epochs;
        StringBuilder perStep = new StringBuilder();
        for (long a : allocated) perStep.append(String.format(Locale.ROOT, " %,d", a / steps));
        // Garbage made per step feeds the GC and ND4J's deallocator threads, whose CPU time a 2-core machine takes from a rank.
        System.out.printf(Locale.ROOT, "Java heap allocated per step, per rank (bytes):%s%n", perStep);
        for (Collective c : ranks) c.close();
    }
}
