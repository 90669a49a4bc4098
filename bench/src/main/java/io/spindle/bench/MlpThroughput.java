package io.spindle.bench;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.Trainer;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Single-process training throughput of fashion-mlp (784-256-128-10, ReLU, Adam, batch 128) on
 * the real Fashion-MNIST, and the time the step's eight GEMMs alone take at the same shapes, so the
 * report splits a step into GEMM and everything else. Run through {@code bench/run mlp}.
 *
 * <p>{@code MlpThroughput BATCH K} instead trains K independent copies at once, one per thread, with
 * no communication at all: what K data-parallel workers in one JVM could reach on this machine if each
 * still ran the whole optimizer step (shared caches, memory bandwidth and the JVM's own threads included;
 * a sharded step does only 1/K of the optimizer's work, so it can beat this).
 */
public final class MlpThroughput {
    private static int batch = 128;    // MlpThroughput BATCH K sets it
    private static final int[] WIDTHS = {784, 256, 128, 10};

    public static void main(String[] args) throws Exception {
        Dataset train = IdxReader.read(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), null);
        if (args.length == 2) {
            batch = Integer.parseInt(args[0]);
            independentCopies(train, Integer.parseInt(args[1]));
            return;
        }
        Trainer trainer = trainer(network());
        trainer.fit(train, null, TrainingListener.NONE);           // warm-up, a whole epoch: the JIT compiles Adam's loop after ~500 steps
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            best = Math.max(best, trainer.fit(train, null, TrainingListener.NONE).samplesPerSecond());
        }
        double stepMs = 1000.0 * batch / best;
        double gemmMs = gemmMillisPerStep();
        System.out.printf(Locale.ROOT, "fashion-mlp batch %d, OMP_NUM_THREADS=%s: %,.0f samples/s (best of 3 epochs) | step %.3f ms = GEMM %.3f ms (%.0f%%) + rest %.3f ms%n",
                batch, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), best, stepMs, gemmMs,
                100 * gemmMs / stepMs, stepMs - gemmMs);
    }

    private static Trainer trainer(Network net) {
        return new Trainer(net, Loss.softmaxCrossEntropy(), OptimizerConfig.adam(1e-3).create(net.layout(), DataType.FLOAT),
                TrainingConfig.of(1, batch, 42));
    }

    private static Network network() {
        ModelConfig cfg = new ModelConfig(new long[] {784}, List.of(Dense.Config.of(256, ActivationFunction.RELU),
                Dense.Config.of(128, ActivationFunction.RELU), Dense.Config.of(10, ActivationFunction.IDENTITY)));
        return Network.initialized(cfg, 42, DataType.FLOAT);
    }

    /** K trainers, one thread each, each over the whole training set; aggregate samples/s of the slowest. */
    private static void independentCopies(Dataset train, int copies) throws Exception {
        Trainer[] trainers = new Trainer[copies];
        for (int i = 0; i < copies; i++) trainers[i] = trainer(network());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(copies);
        double best = 0;
        for (int rep = 0; rep < 4; rep++) {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(copies);
            List<java.util.concurrent.Future<Long>> done = new java.util.ArrayList<>();
            for (Trainer t : trainers) {
                done.add(pool.submit(() -> {
                    start.await();
                    long t0 = System.nanoTime();
                    t.fit(train, null, TrainingListener.NONE);
                    return System.nanoTime() - t0;
                }));
            }
            long slowest = 0;
            for (java.util.concurrent.Future<Long> f : done) slowest = Math.max(slowest, f.get());
            // Round 0 warms the JIT (Adam's loop compiles after ~500 steps) and native caches.
            if (rep > 0) best = Math.max(best, copies * (double) train.size() / (slowest / 1e9));
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "fashion-mlp, %d independent copies x batch %d, OMP_NUM_THREADS=%s: %,.0f samples/s together (best of 3 epochs)%n",
                copies, batch, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), best);
    }

    /** The forward, weight-gradient and input-gradient products of one step (the first layer needs no input gradient). */
    static double gemmMillisPerStep() {
        INDArray[] w = new INDArray[3], dw = new INDArray[3], act = new INDArray[4], grad = new INDArray[4];
        act[0] = Nd4j.rand(DataType.FLOAT, batch, WIDTHS[0]);
        for (int i = 0; i < 3; i++) {
            w[i] = Nd4j.rand(DataType.FLOAT, WIDTHS[i], WIDTHS[i + 1]);
            dw[i] = Nd4j.zeros(DataType.FLOAT, WIDTHS[i], WIDTHS[i + 1]);
            act[i + 1] = Nd4j.zeros(DataType.FLOAT, batch, WIDTHS[i + 1]);
            grad[i + 1] = Nd4j.rand(DataType.FLOAT, batch, WIDTHS[i + 1]);
        }
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t = System.nanoTime();
            for (int it = 0; it < 200; it++) {
                for (int i = 0; i < 3; i++) Nd4j.gemm(act[i], w[i], act[i + 1], false, false, 1.0, 0.0);
                for (int i = 0; i < 3; i++) Nd4j.gemm(act[i], grad[i + 1], dw[i], true, false, 1.0, 1.0);
                for (int i = 1; i < 3; i++) Nd4j.gemm(grad[i + 1], w[i], act[i], false, true, 1.0, 0.0);
            }
            best = Math.min(best, (System.nanoTime() - t) / 1e6 / 200);
        }
        return best;
    }
}
