package io.spindle.core.model;

import io.spindle.core.nn.Buffers;
import io.spindle.core.nn.Layer;
import io.spindle.core.nn.Merge;
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
 * A built network: its graph of runtime layers and the two flat buffers (parameters, gradients) that every
 * layer's weights are views into. Forward runs the nodes in topological order; backward zeroes the gradient
 * buffer once, runs the nodes in reverse order and sums the gradient of a node that several others read.
 * A plain stack is the chain case and runs exactly as a loop over its layers.
 */
public final class Network {
    private final ModelConfig config;
    private final List<Layer> layers = new ArrayList<>();
    private final List<long[]> inputShapes = new ArrayList<>();
    private final List<NodeRun> nodes = new ArrayList<>();
    private final List<NodeRun> inputs = new ArrayList<>();
    private final List<NamedParameter> named = new ArrayList<>();
    /** For each node, where its parameters start in the flat buffer (after those of the nodes before it). */
    private final long[] nodeStart;
    /** Training's listener and the node-level adapter made for it, kept: training passes the same one every step. */
    private GradientsReady lastReady;
    private GraphPass.NodeDone lastNodeDone;
    private ParametersNeeded lastNeeded;
    private GraphPass.NodeStarting lastNodeStarting;
    private final long[] outputShape;
    private final ParamLayout layout;
    private final INDArray params;
    private final INDArray grads;
    /** The gradient buffer's memory, mapped once: zeroing it is a memset, not a native op with its set-up and garbage every step. */
    private final Pointer gradMemory;
    private final long gradBytes;
    private final List<ParamSpec> specs = new ArrayList<>();
    private INDArray[] inputParts;
    private INDArray inputGradient;

    private Network(ModelConfig config, long seed, INDArray params) {
        this.config = config;
        GraphPlan plan = config.plan();
        List<ParamLayout.Block> blocks = new ArrayList<>();
        config.inputs().forEach(in -> inputs.add(new NodeRun(in.name(), List.of(), null, new int[0], new boolean[0], false)));
        long offset = 0;
        long[] starts = new long[plan.order().size()];
        for (int p = 0; p < plan.order().size(); p++) {
            GraphNode node = plan.order().get(p);
            starts[p] = offset;
            int[] sources = plan.sources(p);
            boolean upstream = false;
            for (int s : sources) {
                upstream |= s >= 0 && nodes.get(s).outputNeedsGradient;
                (s < 0 ? inputs.get(-s - 1) : nodes.get(s)).readers++;
            }
            if (node.merge() != null) {
                Merge merge = node.merge().build();
                merge.outputShape(plan.inputShapes(p));
                nodes.add(new NodeRun(node.name(), List.of(), merge, sources, new boolean[0], upstream));
                continue;
            }
            List<Layer> built = node.layer().build(seed * 1_000_003L + p);
            List<List<ParamSpec>> perLayer = new ArrayList<>();
            long[] shape = plan.inputShapes(p).get(0);
            for (Layer layer : built) {
                layers.add(layer);
                inputShapes.add(shape);
                perLayer.add(layer.params(shape));
                shape = layer.outputShape(shape);
            }
            boolean[] hasParams = new boolean[built.size()];
            for (int k = 0; k < built.size(); k++) hasParams[k] = !perLayer.get(k).isEmpty();
            // Only a node whose layers hold parameters in more than one place needs the layer index in its names.
            boolean indexed = perLayer.stream().filter(l -> !l.isEmpty()).count() > 1;
            for (int k = 0; k < built.size(); k++) {
                for (ParamSpec spec : perLayer.get(k)) {
                    blocks.add(new ParamLayout.Block(p, built.get(k).name(), spec.name(), offset, spec.length(), spec.regularized(), spec.trainable()));
                    named.add(new NamedParameter(node.name() + "." + (indexed ? k + "." : "") + spec.name(), spec.shape(), offset, spec.trainable()));
                    specs.add(spec);
                    offset += spec.length();
                }
            }
            nodes.add(new NodeRun(node.name(), built, null, sources, hasParams, upstream));
        }
        this.outputShape = plan.outputShape(plan.order().size() - 1);
        this.nodeStart = starts;
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
    }

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
        GraphPlan plan = config.plan();
        long size = 0;
        for (int p = 0; p < plan.order().size(); p++) {
            if (plan.order().get(p).layer() == null) continue;
            long[] shape = plan.inputShapes(p).get(0);
            for (Layer l : plan.order().get(p).layer().build(0)) {
                for (ParamSpec ps : l.params(shape)) size += ps.length();
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

    /** Runs the graph; {@code x} is [B, ...inputShape] or [B, product(inputShape)] (several inputs: each flattened, in order). */
    public INDArray forward(INDArray x, boolean training) {
        return GraphPass.forward(nodes, splitInputs(x), training, null, null);
    }

    /**
     * Training's forward: as {@link #forward(INDArray, boolean)}, telling {@code needed} before each node runs that the
     * parameters from the buffer's start to the end of that node's must now be in place, first layer first, so they
     * can still be arriving (gathered from their owners) while the earlier layers run.
     */
    public INDArray forward(INDArray x, boolean training, ParametersNeeded needed) {
        if (needed != lastNeeded) {
            lastNodeStarting = p -> needed.through(p + 1 < nodeStart.length ? nodeStart[p + 1] : layout.size());
            lastNeeded = needed;
        }
        return GraphPass.forward(nodes, splitInputs(x), training, lastNodeStarting, null);
    }

    /** Zeroes the gradient buffer, then back-propagates {@code gradOutput} through every node. */
    public void backward(INDArray gradOutput) {
        backward(gradOutput, false);
    }

    /**
     * As {@link #backward(INDArray)}; with {@code needInputGradient} it also returns dLoss/dInput, shaped as the input
     * was (the gradient check wants it; training skips the first layer's input product, ~30% of an MLP's backward FLOPs).
     */
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        return backward(gradOutput, needInputGradient, null);
    }

    /**
     * Training's backward: as {@link #backward(INDArray)}, telling {@code ready} (may be null) each time the
     * gradients from some offset to the end of the buffer are final, last layer first, so they can be reduced while
     * the earlier layers' are still being computed. It ends with {@code readyFrom(0)}.
     */
    public void backward(INDArray gradOutput, GradientsReady ready) {
        backward(gradOutput, false, ready);
    }

    private INDArray backward(INDArray gradOutput, boolean needInputGradient, GradientsReady ready) {
        if (gradMemory != null) Pointer.memset(gradMemory, 0, gradBytes);
        GraphPass.backward(nodes, inputs, gradOutput, needInputGradient, nodeDone(ready));
        if (ready != null) ready.readyFrom(0);
        return needInputGradient ? joinInputGradients() : null;
    }

    private GraphPass.NodeDone nodeDone(GradientsReady ready) {
        if (ready == null) return null;
        if (ready != lastReady) {
            lastNodeDone = p -> ready.readyFrom(nodeStart[p]);
            lastReady = ready;
        }
        return lastNodeDone;
    }

    /** Hears, during forward, that the parameters at [0, end) are about to be read. */
    @FunctionalInterface
    public interface ParametersNeeded {
        void through(long end);
    }

    /** Hears, during backward, that the gradients at [offset, end of the buffer) will not change again in this step. */
    @FunctionalInterface
    public interface GradientsReady {
        void readyFrom(long offset);
    }

    /**
     * Runs the layers on {@code x} one by one and names the first whose output holds NaN or Inf, e.g.
     * "layer 1 (dense)" (a graph: "node c1 (conv2d)"), or returns null. Inference mode; slow; for explaining a divergence.
     */
    public String firstNonFiniteOutput(INDArray x) {
        String[] found = {null};
        boolean chain = config.isChain();
        GraphPass.forward(nodes, splitInputs(x), false, null, (p, name, out) -> {
            if (found[0] == null && !io.spindle.core.train.Divergence.isFinite(out)) {
                found[0] = (chain ? "layer " + p : "node " + nodes.get(p).name) + " (" + name + ")";
            }
        });
        return found[0];
    }

    private INDArray[] splitInputs(INDArray x) {
        if (inputs.size() == 1) return new INDArray[] {fitInput(x, config.inputShape())};
        long width = config.inputShape()[0];
        if (x.rank() != 2 || x.size(1) != width) {
            throw new IllegalArgumentException("input samples have shape " + Arrays.toString(Arrays.copyOfRange(x.shape(), 1, x.rank()))
                    + " but the model's inputs " + config.inputs() + " take [" + width + "] values, one input after another");
        }
        if (inputParts == null) inputParts = new INDArray[inputs.size()];
        long at = 0;
        for (int k = 0; k < inputs.size(); k++) {
            ModelInput in = config.inputs().get(k);
            inputParts[k] = Buffers.reuse(inputParts[k], x.dataType(), Buffers.withBatch(x.size(0), in.shape()));
            inputParts[k].reshape('c', x.size(0), in.width()).assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval(at, at + in.width())));
            at += in.width();
        }
        return inputParts;
    }

    private INDArray joinInputGradients() {
        if (inputs.size() == 1) return inputs.get(0).gradient();
        long batch = inputs.get(0).gradient().size(0);
        inputGradient = Buffers.reuse(inputGradient, grads.dataType(), batch, config.inputShape()[0]);
        long at = 0;
        for (int k = 0; k < inputs.size(); k++) {
            long w = config.inputs().get(k).width();
            inputGradient.get(NDArrayIndex.all(), NDArrayIndex.interval(at, at + w)).assign(inputs.get(k).gradient().reshape('c', batch, w));
            at += w;
        }
        return inputGradient;
    }

    private static INDArray fitInput(INDArray x, long[] want) {
        long[] got = Arrays.copyOfRange(x.shape(), 1, x.rank());
        if (Arrays.equals(got, want)) return x;
        if (Buffers.product(got) == Buffers.product(want)) return x.reshape('c', Buffers.withBatch(x.size(0), want));
        throw new IllegalArgumentException("input samples have shape " + Arrays.toString(got)
                + " but the model expects " + Arrays.toString(want));
    }

    /** Every named parameter ({@code node.param}) with its shape and place in the flat buffer, in buffer order. */
    public List<NamedParameter> parameters() {
        return List.copyOf(named);
    }

    /** A view of parameter {@code name} (e.g. {@code c1.W}) in its documented shape: writes to it change the model. */
    public INDArray parameter(String name) {
        NamedParameter p = named(name);
        return params.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length())).reshape('c', p.shape());
    }

    /** Overwrites parameter {@code name} with {@code values}, which must have its shape (or as many values). */
    public void setParameter(String name, INDArray values) {
        NamedParameter p = named(name);
        if (values.length() != p.length()) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(p.shape()) + " (" + p.length()
                    + " values) but was given " + Arrays.toString(values.shape()));
        }
        parameter(name).assign(values.reshape('c', p.shape()).castTo(params.dataType()));
    }

    private NamedParameter named(String name) {
        for (NamedParameter p : named) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("no parameter \"" + name + "\"; this model has " + named.stream().map(NamedParameter::name).toList());
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
