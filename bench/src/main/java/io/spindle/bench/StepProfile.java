package io.spindle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Buffers;
import io.spindle.core.nn.Layer;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where one training step of a job's model goes: forward and backward time of every runtime layer
 * at a batch size, and the whole step (forward, loss, backward, Adam) as samples/s.
 * Run through {@code bench/run profile JOB.json [batch]}.
 */
public final class StepProfile {
    /** Steps before measuring: until the JIT has compiled the step, the SIMD loops run slowly and allocate. */
    private static final int WARM_UP = 1000;

    public static void main(String[] args) throws Exception {
        JsonNode job = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(job.get("model"), "model"));
        Network net = Network.initialized(cfg, 42, DataType.FLOAT);
        List<Layer> layers = net.layers();
        INDArray x = Nd4j.rand(DataType.FLOAT, Buffers.withBatch(batch, cfg.inputShape()));
        INDArray labels = Nd4j.createFromArray(new float[batch]).reshape(batch, 1);
        Loss loss = Loss.softmaxCrossEntropy();
        Optimizer opt = OptimizerConfig.adam(1e-3).create(net.layout(), DataType.FLOAT);

        int first = 0;   // as Network.backward: layers below the first one with parameters need no gradient
        for (long[] shape = cfg.inputShape(); first < layers.size() - 1 && layers.get(first).params(shape).isEmpty(); first++) {
            shape = layers.get(first).outputShape(shape);
        }
        int reps = 30;
        double[] fwd = new double[layers.size()], bwd = new double[layers.size()];
        long[] fwdBytes = new long[layers.size()], bwdBytes = new long[layers.size()];
        // Heap garbage per call: on a loaded 2-core machine the GC and ND4J's deallocator threads take their time from training.
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < reps + WARM_UP; round++) {
            boolean measured = round >= WARM_UP;
            INDArray h = x;
            for (int i = 0; i < layers.size(); i++) {
                long t = System.nanoTime(), bytes = threads.getCurrentThreadAllocatedBytes();
                h = layers.get(i).forward(h, true);
                if (measured) fwd[i] += (System.nanoTime() - t) / 1e6 / reps;
                if (measured) fwdBytes[i] += (threads.getCurrentThreadAllocatedBytes() - bytes) / reps;
            }
            INDArray g = loss.compute(h, labels).gradient();
            for (int i = layers.size() - 1; i >= first; i--) {
                long t = System.nanoTime(), bytes = threads.getCurrentThreadAllocatedBytes();
                g = layers.get(i).backward(g, i > first);
                if (measured) bwd[i] += (System.nanoTime() - t) / 1e6 / reps;
                if (measured) bwdBytes[i] += (threads.getCurrentThreadAllocatedBytes() - bytes) / reps;
            }
        }
        System.out.printf(Locale.ROOT, "%s, batch %d, OMP_NUM_THREADS=%s (mean of %d steps)%n", args[0], batch,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), reps);
        System.out.printf(Locale.ROOT, "%-4s %-22s %10s %10s %12s %12s%n", "#", "layer", "fwd ms", "bwd ms", "fwd bytes", "bwd bytes");
        double total = 0;
        for (int i = 0; i < layers.size(); i++) {
            System.out.printf(Locale.ROOT, "%-4d %-22s %10.3f %10.3f %,12d %,12d%n", i, layers.get(i).name(), fwd[i], bwd[i], fwdBytes[i], bwdBytes[i]);
            total += fwd[i] + bwd[i];
        }
        // Whole steps, alternating with the old backward that computed every layer's input gradient (the
        // first conv's dX included), so the ratio is measured under the same load.
        // The loop above never ran the loss or Adam: warm them up too, or the first whole steps time the interpreter.
        for (int round = 0; round < WARM_UP / 10; round++) {
            stepMillis(net, loss, opt, x, labels, false);
            stepMillis(net, loss, opt, x, labels, true);
        }
        double now = Double.MAX_VALUE, before = Double.MAX_VALUE, cpu = Double.MAX_VALUE;
        long stepBytes = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long c0 = threads.getCurrentThreadCpuTime(), b0 = threads.getCurrentThreadAllocatedBytes();
            now = Math.min(now, stepMillis(net, loss, opt, x, labels, false));
            cpu = Math.min(cpu, (threads.getCurrentThreadCpuTime() - c0) / 1e6 / 10);
            stepBytes = Math.min(stepBytes, (threads.getCurrentThreadAllocatedBytes() - b0) / 10);
            before = Math.min(before, stepMillis(net, loss, opt, x, labels, true));
        }
        System.out.printf(Locale.ROOT, "layers %.2f ms; whole step (forward, loss, backward, Adam) %.2f ms = %,.0f samples/s"
                + " (CPU time of this thread: %.2f ms/step, which a loaded machine inflates less);"
                + " with every input gradient (before): %.2f ms = %,.0f samples/s (%.2fx)%n",
                total, now, batch * 1000 / now, cpu, before, batch * 1000 / before, before / now);
        System.out.printf(Locale.ROOT, "Java heap allocated per whole step: %,d bytes%n", stepBytes);
    }

    /** Best-of-10 mean step; {@code everyInputGradient} replays the old backward (all layers, dX everywhere but layer 0). */
    private static double stepMillis(Network net, Loss loss, Optimizer opt, INDArray x, INDArray labels, boolean everyInputGradient) {
        long t = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            LossResult r = loss.compute(net.forward(x, true), labels);
            if (everyInputGradient) {
                net.grads().assign(0);
                INDArray g = r.gradient();
                List<Layer> layers = net.layers();
                for (int l = layers.size() - 1; l >= 0; l--) g = layers.get(l).backward(g, l > 0);
            } else {
                net.backward(r.gradient());
            }
            opt.step(net.params(), net.grads());
        }
        return (System.nanoTime() - t) / 1e6 / 10;
    }
}
