package io.spindle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.Evaluator;
import io.spindle.core.train.GlobalOrder;
import io.spindle.core.train.History;
import io.spindle.core.train.Trainer;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of the global data order. One virtual shard is a plain shuffle of all rows (the order before virtual
 * shards); 64 deal the shards' own shuffles round-robin. Measures the time to draw one epoch's order, then trains
 * fashion-mlp (batch 128, Adam with cosine decay) on the real Fashion-MNIST with each, side by side per seed: test accuracy and
 * samples/s. Run through {@code bench/run order [EPOCHS] [SEEDS]}.
 */
public final class DataOrderBench {
    private static final String DIR = "/usr/share/datasets/fashion-mnist/";
    private static final String MODEL = """
            {"input_shape": [784], "layers": [{"type": "rescaling", "scale": 2.8329, "offset": -0.8102},
               {"type": "dense", "units": 256, "activation": "relu"}, {"type": "dense", "units": 128, "activation": "relu"},
               {"type": "dense", "units": 10}]}""";
    private static final int BATCH = 128;

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5, seeds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Dataset train = IdxReader.read(Path.of(DIR + "train-images-idx3-ubyte.gz"), null);
        Dataset test = IdxReader.read(Path.of(DIR + "t10k-images-idx3-ubyte.gz"), null);
        orderCost(train.size());
        ModelConfig model = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(MODEL), "model"));
        System.out.println("seed  virtual_shards  test_accuracy  samples/s (median of epochs 2..)");
        for (int seed = 1; seed <= seeds; seed++) {
            for (int shards : new int[] {1, 64}) {
                Network net = Network.initialized(model, seed, DataType.FLOAT);
                Trainer trainer = new Trainer(net, Loss.softmaxCrossEntropy(), optimizer(epochs, train.size()).create(net.layout(), DataType.FLOAT),
                        new TrainingConfig(epochs, BATCH, seed, true, null, shards));
                History h = trainer.fit(train, null, TrainingListener.NONE);
                double accuracy = Evaluator.evaluate(net, Loss.softmaxCrossEntropy(), test, 1024).accuracy();
                double[] rates = h.epochs().stream().skip(1).mapToDouble(EpochStats::samplesPerSecond).sorted().toArray();
                System.out.printf(Locale.ROOT, "%4d  %14d  %13.4f  %,9.0f%n", seed, shards, accuracy, rates[rates.length / 2]);
            }
        }
    }

    /** fashion-mlp's optimizer: Adam 1e-3 with a cosine decay over the run. */
    private static OptimizerConfig optimizer(int epochs, int rows) throws Exception {
        String json = "{\"type\": \"adam\", \"learning_rate\": 0.001, \"schedule\": {\"type\": \"cosine\", \"total_steps\": "
                + epochs * (rows / BATCH) + "}}";
        return OptimizerConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "optimizer"));
    }

    /** Median microseconds to draw one epoch's order: all rows in one process, and one worker's of 2 and of 8. */
    private static void orderCost(int rows) {
        for (int shards : new int[] {1, 64}) {
            GlobalOrder order = new GlobalOrder(new VirtualShards(rows, shards), BATCH, 42, true);
            String line = String.format(Locale.ROOT, "order of %,d rows, %2d virtual shard(s): one process %,.0f us", rows, shards,
                    medianMicros(e -> order.whole().epoch(e)));
            if (shards == 64) {
                for (int workers : new int[] {2, 8}) {
                    line += String.format(Locale.ROOT, ", a worker of %d %,.0f us", workers,
                            medianMicros(e -> order.forWorker(0, workers, order.balancedSteps()).epoch(e)));
                }
            }
            System.out.println(line);
        }
    }

    private static double medianMicros(java.util.function.IntFunction<int[]> draw) {
        double[] us = new double[41];
        long sink = 0;
        for (int e = 0; e < 200; e++) sink += draw.apply(e)[0];   // the JIT compiles the draw first
        for (int e = 0; e < us.length; e++) {
            long t0 = System.nanoTime();
            sink += draw.apply(e)[0];
            us[e] = (System.nanoTime() - t0) / 1e3;
        }
        if (sink == Long.MIN_VALUE) System.out.println(sink);   // keeps the draws from being optimised away
        Arrays.sort(us);
        return us[us.length / 2];
    }
}
