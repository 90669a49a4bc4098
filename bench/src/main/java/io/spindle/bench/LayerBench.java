package io.spindle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Forward + backward (input and parameter gradients) of one layer of each family at a fixed shape,
 * as samples/s, ms per batch and GFLOP/s against this machine's single-thread sgemm, measured in the
 * same run. Run through {@code bench/run layers [filter]}; a filter keeps the cases whose name contains it.
 */
public final class LayerBench {

    /**
     * One benchmark case: a layer as written in a job file, its per-sample input shape, and the analytic
     * FLOPs of one sample's forward + backward (multiply-add = 2 FLOPs; element-wise work counted once per op).
     */
    record Case(String name, String layerJson, long[] inputShape, long flopsPerSample, boolean inputGradient, long bytesPerSample,
                boolean libnd4j) {
        Case(String name, String layerJson, long[] inputShape, long flopsPerSample) {
            this(name, layerJson, inputShape, flopsPerSample, true, 0, false);
        }

        Case(String name, String layerJson, long[] inputShape, long flopsPerSample, boolean inputGradient) {
            this(name, layerJson, inputShape, flopsPerSample, inputGradient, 0, false);
        }

        /**
         * The reference for a float conv2d case of the same name: libnd4j's conv2d and conv2d_bp ops (oneDNN where the
         * build has it) on the same shapes, same padding, stride 1, as the layer ran before its Java kernel. conv2d_bp
         * always computes dX, so the no-dX reference is charged with it.
         */
        static Case libnd4jConv(String name, int kernel, long[] inputShape, int filters, boolean inputGradient) {
            String json = "{\"type\":\"conv2d\",\"filters\":" + filters + ",\"kernel_size\":" + kernel + ",\"padding\":\"same\"}";
            long flops = Flops.conv(inputShape[0], filters, kernel, inputShape[1] * inputShape[2]) * (inputGradient ? 3 : 2) / 3;
            return new Case(name + ", libnd4j", json, inputShape, flops, inputGradient, 0, true);
        }

        /**
         * A memory-bound layer, judged against the copy bandwidth: {@code floatsPerElement} is the least traffic of its
         * forward + backward per input element, in floats read and written (an element-wise layer: read x, write y,
         * read dy and x or y, write dx = 5).
         */
        static Case memory(String name, String layerJson, long[] inputShape, long perElement, double floatsPerElement) {
            long elements = Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
            return new Case(name, layerJson, inputShape, Flops.elementwise(elements, perElement), true, (long) (4 * floatsPerElement * elements),
                    false);
        }
    }

    /** The registry: add a layer family with one line. Shapes follow the example jobs (Fashion-MNIST, batch 64). */
    static final List<Case> CASES = List.of(
            new Case("dense 784→256", "{\"type\":\"dense\",\"units\":256}", shape(784), Flops.dense(784, 256)),
            new Case("dense 3136→256", "{\"type\":\"dense\",\"units\":256}", shape(3136), Flops.dense(3136, 256)),
            new Case("conv2d 5×5 1→32 28×28 same", "{\"type\":\"conv2d\",\"filters\":32,\"kernel_size\":5,\"padding\":\"same\"}",
                    shape(1, 28, 28), Flops.conv(1, 32, 5, 28 * 28)),
            new Case("conv2d 5×5 1→32 as first (no dX)", "{\"type\":\"conv2d\",\"filters\":32,\"kernel_size\":5,\"padding\":\"same\"}",
                    shape(1, 28, 28), Flops.conv(1, 32, 5, 28 * 28) * 2 / 3, false),
            Case.libnd4jConv("conv2d 5×5 1→32 28×28 same", 5, shape(1, 28, 28), 32, true),
            Case.libnd4jConv("conv2d 5×5 1→32 as first (no dX)", 5, shape(1, 28, 28), 32, false),
            new Case("conv2d 5×5 32→64 14×14 same", "{\"type\":\"conv2d\",\"filters\":64,\"kernel_size\":5,\"padding\":\"same\"}",
                    shape(32, 14, 14), Flops.conv(32, 64, 5, 14 * 14)),
            new Case("conv2d 3×3 32→32 28×28 same", "{\"type\":\"conv2d\",\"filters\":32,\"kernel_size\":3,\"padding\":\"same\"}",
                    shape(32, 28, 28), Flops.conv(32, 32, 3, 28 * 28)),
            Case.libnd4jConv("conv2d 5×5 32→64 14×14 same", 5, shape(32, 14, 14), 64, true),
            Case.libnd4jConv("conv2d 3×3 32→32 28×28 same", 3, shape(32, 28, 28), 32, true),
            Case.memory("max_pool2d 2 on 32×28×28", "{\"type\":\"max_pool2d\",\"pool_size\":2}", shape(32, 28, 28), 2, 2.5),
            Case.memory("avg_pool2d 2 on 32×28×28", "{\"type\":\"avg_pool2d\",\"pool_size\":2}", shape(32, 28, 28), 2, 2.5),
            Case.memory("batch_norm on 32×28×28", "{\"type\":\"batch_norm\"}", shape(32, 28, 28), 12, 5),
            Case.memory("batch_norm on 256", "{\"type\":\"batch_norm\"}", shape(256), 12, 5),
            Case.memory("relu on 32×28×28", "{\"type\":\"activation\",\"function\":\"relu\"}", shape(32, 28, 28), 2, 5),
            Case.memory("tanh on 32×28×28", "{\"type\":\"activation\",\"function\":\"tanh\"}", shape(32, 28, 28), 20, 5),
            Case.memory("sigmoid on 32×28×28", "{\"type\":\"activation\",\"function\":\"sigmoid\"}", shape(32, 28, 28), 20, 5),
            Case.memory("gelu on 32×28×28", "{\"type\":\"activation\",\"function\":\"gelu\"}", shape(32, 28, 28), 30, 5),
            new Case("simple_rnn 128 over 28×28", "{\"type\":\"simple_rnn\",\"units\":128}", shape(28, 28), Flops.recurrent(28, 28, 128, 1)),
            new Case("lstm 128 over 28×28", "{\"type\":\"lstm\",\"units\":128}", shape(28, 28), Flops.recurrent(28, 28, 128, 4)),
            new Case("gru 128 over 28×28", "{\"type\":\"gru\",\"units\":128}", shape(28, 28), Flops.recurrent(28, 28, 128, 3)),
            new Case("multi_head_attention 4 heads on 28×64", "{\"type\":\"multi_head_attention\",\"heads\":4}", shape(28, 64),
                    Flops.attention(28, 64)),
            new Case("transformer_encoder 4 heads, ff 128, on 28×64", "{\"type\":\"transformer_encoder\",\"heads\":4,\"ff_units\":128}",
                    shape(28, 64), Flops.attention(28, 64) + Flops.dense(64, 128) * 28 + Flops.dense(128, 64) * 28),
            Case.memory("layer_norm on 28×64", "{\"type\":\"layer_norm\"}", shape(28, 64), 20, 5)
    );

    /** Analytic FLOP counts per sample for forward + both backward products (a first layer skips dX: two thirds). */
    static final class Flops {
        private Flops() {
        }

        /** y = xW, dX = dY·Wᵀ, dW = xᵀ·dY: three products of in×out multiply-adds. */
        static long dense(long in, long out) {
            return 3 * 2 * in * out;
        }

        /** The same three products for a k×k convolution over {@code positions} output positions. */
        static long conv(long cin, long cout, long k, long positions) {
            return 3 * 2 * cin * cout * k * k * positions;
        }

        /** Per step an input and a recurrent product for each of {@code gates} gates, forward and both backward products. */
        static long recurrent(long steps, long features, long units, long gates) {
            return 3 * 2 * steps * gates * units * (features + units);
        }

        /** Q, K, V and output projections (4·D² per token) and the two T×T×D attention products, times three. */
        static long attention(long steps, long width) {
            return 3 * 2 * (4 * steps * width * width + 2 * steps * steps * width);
        }

        /** Element-wise layers: {@code perElement} operations per input element, forward and backward together. */
        static long elementwise(long elements, long perElement) {
            return elements * perElement;
        }
    }

    private static long[] shape(long... s) {
        return s;
    }

    public static void main(String[] args) throws Exception {
        int batch = Integer.getInteger("batch", 64);
        List<String> rest = new java.util.ArrayList<>(List.of(args));
        cpuClock = rest.remove("--cpu-time");
        String filter = rest.isEmpty() ? "" : rest.get(0);
        if (cpuClock) System.out.println("times are this thread's CPU time, not wall time (--cpu-time)");
        double sgemm = sgemmGflops(1024);
        System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, batch %d, float32; sgemm 1024³ on this machine: %.1f GFLOP/s%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), batch, sgemm);
        double copy = copyGigabytes(32 * 28 * 28 * batch);
        System.out.printf(Locale.ROOT, "copy of %d floats (a 32×28×28 batch), bytes read + written: %.1f GB/s%n", 32 * 28 * 28 * batch, copy);
        System.out.printf(Locale.ROOT, "%-32s %12s %10s %10s %10s %8s %8s %8s%n", "layer (forward + backward)", "samples/s", "ms/batch", "GFLOP/s",
                "÷ sgemm", "GB/s", "÷ copy", "÷ own");
        for (Case c : CASES) {
            if (!c.name.contains(filter)) continue;
            double ms = millisPerStep(c, batch);
            double gflops = c.flopsPerSample * batch / ms / 1e6;
            if (c.bytesPerSample > 0) {
                double gbs = c.bytesPerSample * batch / ms / 1e6;
                // Also against a copy of the layer's own input size: a small batch stays in a nearer cache than the yardstick's.
                double own = copyGigabytes(Arrays.stream(c.inputShape).reduce(batch, (a, b) -> a * b));
                System.out.printf(Locale.ROOT, "%-32s %,12.0f %10.3f %10s %10s %8.1f %7.0f%% %7.0f%%%n", c.name, batch * 1000 / ms, ms, "", "", gbs,
                        100 * gbs / copy, 100 * gbs / own);
            } else {
                System.out.printf(Locale.ROOT, "%-32s %,12.0f %10.3f %10.1f %9.0f%%%n", c.name, batch * 1000 / ms, ms, gflops, 100 * gflops / sgemm);
            }
        }
        System.out.printf(Locale.ROOT, "sgemm 1024³ again (drift check): %.1f GFLOP/s%n", sgemmGflops(1024));
    }

    /**
     * With {@code --cpu-time}, every figure is timed in this thread's CPU time: on a machine shared by more runnable
     * threads than cores, wall time mostly measures the wait for a core. It assumes the work runs in the calling
     * thread (one OpenMP/OpenBLAS thread, as {@code bench/run layers} sets).
     */
    private static boolean cpuClock;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long now() {
        return cpuClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Best of 5 rounds of forward(training) + backward(with input gradient) on random data. */
    static double millisPerStep(Case c, int batch) throws Exception {
        Runnable step = stepFor(c, batch);
        int reps = repsFor(step);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = now();
            for (int i = 0; i < reps; i++) step.run();
            best = Math.min(best, (now() - t) / 1e6 / reps);
        }
        return best;
    }

    /** One training step of the case's layer alone, forward and backward, on random data made once. */
    static Runnable stepFor(Case c, int batch) throws Exception {
        String json = "{\"input_shape\": " + Arrays.toString(c.inputShape) + ", \"layers\": [" + c.layerJson + "]}";
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "model"));
        Network net = Network.initialized(cfg, 1, DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, Buffers.withBatch(batch, c.inputShape));
        INDArray dy = Nd4j.rand(DataType.FLOAT, Buffers.withBatch(batch, net.outputShape()));
        if (c.libnd4j) return libnd4jConvStep(c, net, x, dy);
        return () -> {
            net.forward(x, true);
            net.backward(dy, c.inputGradient);
        };
    }

    /** libnd4j's conv2d then conv2d_bp on the layer's parameters (weights [k, k, C, F] then bias), into kept outputs. */
    private static Runnable libnd4jConvStep(Case c, Network net, INDArray x, INDArray dy) {
        long f = net.outputShape()[0], k = Math.round(Math.sqrt((net.numParams() - f) / (double) (f * c.inputShape[0])));
        INDArray w = net.params().get(NDArrayIndex.interval(0, k * k * c.inputShape[0] * f)).reshape('c', k, k, c.inputShape[0], f);
        INDArray b = net.params().get(NDArrayIndex.interval(k * k * c.inputShape[0] * f, net.numParams()));
        INDArray y = dy.ulike(), dx = x.ulike(), dw = w.ulike(), db = b.ulike();
        int[] args = {(int) k, (int) k, 1, 1, 0, 0, 1, 1, 1, 0, 0};
        return () -> {
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(y).addIntegerArguments(args).build());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, dy).addOutputs(dx, dw, db).addIntegerArguments(args).build());
        };
    }

    /**
     * Enough repetitions for ~0.3 s per round, after a warm-up of at least 3 steps and 2 s (of CPU time with
     * {@code --cpu-time}): the Java kernels run their loops many times slower until the JIT has compiled them, which
     * takes longer on a busy machine.
     */
    private static int repsFor(Runnable step) {
        long warm = now();
        for (int i = 0; i < 3 || now() - warm < 2_000_000_000L; i++) step.run();
        long t = now();
        step.run();
        double ms = Math.max(0.01, (now() - t) / 1e6);
        return (int) Math.max(3, Math.min(2000, 300 / ms));
    }

    /**
     * A STREAM-like copy of {@code n} floats between two arrays (libnd4j's assign, a memcpy), best of 20, as bytes read
     * plus bytes written per second: the yardstick for the memory-bound layers, whose arrays have this size.
     */
    static double copyGigabytes(long n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n), b = Nd4j.zeros(DataType.FLOAT, n);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            long t = now();
            for (int i = 0; i < 10; i++) b.assign(a);
            best = Math.min(best, (now() - t) / 1e9 / 10);
        }
        return 2.0 * 4 * n / best / 1e9;
    }

    /** Square sgemm into a preallocated output, best of 5. */
    static double sgemmGflops(int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n), c = Nd4j.zeros(DataType.FLOAT, n, n);
        for (int i = 0; i < 2; i++) Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = now();
            for (int i = 0; i < 3; i++) Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.min(best, (now() - t) / 1e9 / 3);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
