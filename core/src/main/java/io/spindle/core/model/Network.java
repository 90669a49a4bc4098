package io.spindle.core.model;

import io.spindle.core.nn.Buffers;
import io.spindle.core.nn.Layer;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.ParamSpec;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A built network: its runtime layers and the two flat buffers (parameters, gradients) that
 * every layer's weights are views into. Forward runs the layers in order; backward zeroes the
 * gradient buffer once and lets each layer accumulate its share.
 */
public final class Network {
    private final ModelConfig config;
    private final List<Layer> layers = new ArrayList<>();
    private final List<long[]> inputShapes = new ArrayList<>();
    /** For each runtime layer, the index of the config layer that built it (what messages and blocks call "layer i"). */
    private final List<Integer> configIndex = new ArrayList<>();
    private final long[] outputShape;
    private final ParamLayout layout;
    private final INDArray params;
    private final INDArray grads;
    /** The gradient buffer's memory, mapped once: zeroing it is a memset, not a native op with its set-up and garbage every step. */
    private final Pointer gradMemory;
    private final long gradBytes;

    private Network(ModelConfig config, long seed, INDArray params) {
        this.config = config;
        List<ParamLayout.Block> blocks = new ArrayList<>();
        List<ParamSpec> specs = new ArrayList<>();
        long[] shape = config.inputShape();
        long offset = 0;
        for (int i = 0; i < config.layers().size(); i++) {
            LayerConfig lc = config.layers().get(i);
            for (Layer layer : lc.build(seed * 1_000_003L + i)) {
                layers.add(layer);
                inputShapes.add(shape);
                configIndex.add(i);
                for (ParamSpec p : layer.params(shape)) {
                    blocks.add(new ParamLayout.Block(i, layer.name(), p.name(), offset, p.length(), p.regularized(), p.trainable()));
                    specs.add(p);
                    offset += p.length();
                }
                shape = layer.outputShape(shape);
            }
        }
        this.outputShape = shape;
        int first = 0;
        while (first < layers.size() - 1 && layers.get(first).params(inputShapes.get(first)).isEmpty()) first++;
        this.firstWithParams = first;
        this.layout = new ParamLayout(blocks, offset);
        if (params.length() != offset) {
            throw new IllegalArgumentException("the parameter buffer holds " + params.length()
                    + " values but this architecture needs " + offset);
        }
        this.params = params;
        this.grads = flatZeros(params.dataType(), offset);
        this.gradMemory = offset > 0 ? grads.data().addressPointer() : null;
        this.gradBytes = offset * grads.data().getElementSize();
        bindLayers();
        this.specs = specs;
    }

    private final List<ParamSpec> specs;
    private final int firstWithParams;

    /** A network with fresh parameters drawn from each layer's initialiser, seeded. */
    public static Network initialized(ModelConfig config, long seed, DataType dataType) {
        long size = sizeOf(config);
        Network n = new Network(config, seed, flatZeros(dataType, size));
        n.initialize(seed);
        return n;
    }

    /** A network over existing parameters (a loaded model or a broadcast); the buffer is used, not copied. */
    public static Network withParams(ModelConfig config, INDArray params, long seed) {
        return new Network(config, seed, params);
    }

    /**
     * A plain rank-1 array that owns its memory (not a view): the collective sends such a buffer in
     * place, where a view would cost a copy in and out on every step.
     */
    private static INDArray flatZeros(DataType type, long size) {
        return size > 0 ? Nd4j.zeros(type, size) : Nd4j.createUninitialized(type, new long[] {0}, 'c');
    }

    /** How many parameters {@code config} has, without building it. */
    public static long parameterCount(ModelConfig config) {
        return sizeOf(config);
    }

    private static long sizeOf(ModelConfig config) {
        long[] shape = config.inputShape();
        long size = 0;
        for (LayerConfig lc : config.layers()) {
            for (Layer l : lc.build(0)) {
                for (ParamSpec p : l.params(shape)) size += p.length();
                shape = l.outputShape(shape);
            }
        }
        return size;
    }

    private void bindLayers() {
        long offset = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long n = l.params(inputShapes.get(i)).stream().mapToLong(ParamSpec::length).sum();
            l.bind(inputShapes.get(i), params.get(NDArrayIndex.interval(offset, offset + n)),
                    grads.get(NDArrayIndex.interval(offset, offset + n)));
            offset += n;
        }
    }

    private void initialize(long seed) {
        try (Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
            for (int b = 0; b < specs.size(); b++) {
                ParamSpec spec = specs.get(b);
                ParamLayout.Block block = layout.blocks().get(b);
                INDArray view = params.get(NDArrayIndex.interval(block.offset(), block.offset() + block.length()));
                spec.init().fill(view, spec.fanIn(), spec.fanOut(), rng);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not close the initialiser RNG", e);
        }
    }

    /** Runs all layers; {@code x} is [B, ...inputShape] or [B, product(inputShape)]. */
    public INDArray forward(INDArray x, boolean training) {
        INDArray h = fitInput(x);
        for (Layer l : layers) h = l.forward(h, training);
        return h;
    }

    /** Zeroes the gradient buffer, then back-propagates {@code gradOutput} through every layer. */
    public void backward(INDArray gradOutput) {
        backward(gradOutput, false);
    }

    /**
     * As {@link #backward(INDArray)}; with {@code needInputGradient} it also returns dLoss/dInput
     * (the gradient check wants it; training skips the first layer's input product, ~30% of an MLP's backward FLOPs).
     */
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (gradMemory != null) Pointer.memset(gradMemory, 0, gradBytes);
        INDArray g = gradOutput;
        // Below the first layer with parameters nothing needs a gradient (e.g. rescaling before the first conv).
        int last = needInputGradient ? 0 : firstWithParams;
        for (int i = layers.size() - 1; i >= last; i--) {
            g = layers.get(i).backward(g, i > last || needInputGradient);
        }
        return needInputGradient ? g : null;
    }

    /**
     * Runs the layers on {@code x} one by one and names the first whose output holds NaN or Inf, e.g.
     * "layer 1 (dense)", or returns null. Inference mode; slow (checks every output); for explaining a divergence.
     */
    public String firstNonFiniteOutput(INDArray x) {
        INDArray h = fitInput(x);
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, false);
            if (!io.spindle.core.train.Divergence.isFinite(h)) return "layer " + configIndex.get(i) + " (" + layers.get(i).name() + ")";
        }
        return null;
    }

    private INDArray fitInput(INDArray x) {
        long[] want = config.inputShape();
        long[] got = Arrays.copyOfRange(x.shape(), 1, x.rank());
        if (Arrays.equals(got, want)) return x;
        if (Buffers.product(got) == Buffers.product(want)) return x.reshape('c', Buffers.withBatch(x.size(0), want));
        throw new IllegalArgumentException("input samples have shape " + Arrays.toString(got)
                + " but the model expects " + Arrays.toString(want));
    }

    public ModelConfig config() {
        return config;
    }

    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    public INDArray params() {
        return params;
    }

    public INDArray grads() {
        return grads;
    }

    public ParamLayout layout() {
        return layout;
    }

    public long numParams() {
        return layout.size();
    }

    public long[] outputShape() {
        return outputShape.clone();
    }

    public DataType dataType() {
        return params.dataType();
    }
}
