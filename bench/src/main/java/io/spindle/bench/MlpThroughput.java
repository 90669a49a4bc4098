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
 */
public final class MlpThroughput {
    private static final int BATCH = 128;
    private static final int[] WIDTHS = {784, 256, 128, 10};

    public static void main(String[] args) throws Exception {
        Dataset train = IdxReader.read(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), null);
        ModelConfig cfg = new ModelConfig(new long[] {784}, List.of(Dense.Config.of(256, ActivationFunction.RELU),
                Dense.Config.of(128, ActivationFunction.RELU), Dense.Config.of(10, ActivationFunction.IDENTITY)));
        Network net = Network.initialized(cfg, 42, DataType.FLOAT);
        Trainer trainer = new Trainer(net, Loss.softmaxCrossEntropy(), OptimizerConfig.adam(1e-3).create(net.layout(), DataType.FLOAT),
                TrainingConfig.of(1, BATCH, 42));
        trainer.fit(train.rows(0, 10_000), null, TrainingListener.NONE);           // warm-up: JIT, native caches
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            best = Math.max(best, trainer.fit(train, null, TrainingListener.NONE).samplesPerSecond());
        }
        double stepMs = 1000.0 * BATCH / best;
        double gemmMs = gemmMillisPerStep();
        System.out.printf(Locale.ROOT, "fashion-mlp batch %d, OMP_NUM_THREADS=%s: %,.0f samples/s (best of 3 epochs) | step %.3f ms = GEMM %.3f ms (%.0f%%) + rest %.3f ms%n",
                BATCH, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), best, stepMs, gemmMs,
                100 * gemmMs / stepMs, stepMs - gemmMs);
    }

    /** The forward, weight-gradient and input-gradient products of one step (the first layer needs no input gradient). */
    static double gemmMillisPerStep() {
        INDArray[] w = new INDArray[3], dw = new INDArray[3], act = new INDArray[4], grad = new INDArray[4];
        act[0] = Nd4j.rand(DataType.FLOAT, BATCH, WIDTHS[0]);
        for (int i = 0; i < 3; i++) {
            w[i] = Nd4j.rand(DataType.FLOAT, WIDTHS[i], WIDTHS[i + 1]);
            dw[i] = Nd4j.zeros(DataType.FLOAT, WIDTHS[i], WIDTHS[i + 1]);
            act[i + 1] = Nd4j.zeros(DataType.FLOAT, BATCH, WIDTHS[i + 1]);
            grad[i + 1] = Nd4j.rand(DataType.FLOAT, BATCH, WIDTHS[i + 1]);
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
