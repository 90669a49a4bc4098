package io.spindle.bench.scaling;

import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.LayerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The real network a lab worker syncs: {@code layers} equal dense layers of width w (w² + w parameters each), with w
 * chosen so the total is nearest the lab's parameter count. Its flat buffers, layout and buckets are the training
 * step's own; only its forward and backward are synthetic ({@link SyntheticModel}).
 */
final class LabNetwork {
    private LabNetwork() {
    }

    /** The width whose {@code layers} dense layers come nearest to {@code parameters}. */
    static int width(long parameters, int layers) {
        return (int) Math.max(1, Math.round(Math.sqrt((double) parameters / layers)));
    }

    /** What {@link #of} holds: {@code layers × (w² + w)}. */
    static long parameters(long parameters, int layers) {
        long w = width(parameters, layers);
        return layers * (w * w + w);
    }

    /** The network, its gradient buffer filled with values in [-0.5, 0.5) as a backward would leave it. */
    static Network of(long parameters, int layers) {
        int w = width(parameters, layers);
        List<LayerConfig> dense = new ArrayList<>();
        for (int l = 0; l < layers; l++) dense.add(Dense.Config.of(w, ActivationFunction.IDENTITY));
        Network net = Network.initialized(new ModelConfig(new long[] {w}, dense), 1, DataType.FLOAT);
        net.grads().assign(Nd4j.rand(DataType.FLOAT, net.numParams()).subi(0.5));
        return net;
    }
}
