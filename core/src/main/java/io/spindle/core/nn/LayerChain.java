package io.spindle.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Layers run in order inside one composite layer ({@link Residual}, {@link TransformerEncoderBlock}):
 * their parameters are consecutive views of the composite's slice, named {@code <index>.<layer>.<param>}.
 */
final class LayerChain {
    private final List<Layer> layers;

    LayerChain(List<Layer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("a layer chain needs at least one layer");
        this.layers = List.copyOf(layers);
    }

    List<Layer> layers() {
        return layers;
    }

    long[] outputShape(long[] in) {
        long[] shape = in;
        for (Layer l : layers) shape = l.outputShape(shape);
        return shape;
    }

    List<ParamSpec> params(long[] in) {
        List<ParamSpec> all = new ArrayList<>();
        long[] shape = in;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            for (ParamSpec p : l.params(shape)) {
                all.add(new ParamSpec(i + "." + l.name() + "." + p.name(), p.shape(), p.init(), p.fanIn(), p.fanOut(), p.regularized(), p.trainable()));
            }
            shape = l.outputShape(shape);
        }
        return all;
    }

    void bind(long[] in, INDArray params, INDArray grads) {
        long[] shape = in;
        long offset = 0;
        for (Layer l : layers) {
            long n = l.params(shape).stream().mapToLong(ParamSpec::length).sum();
            l.bind(shape, params.get(NDArrayIndex.interval(offset, offset + n)), grads.get(NDArrayIndex.interval(offset, offset + n)));
            offset += n;
            shape = l.outputShape(shape);
        }
    }

    INDArray forward(INDArray x, boolean training) {
        INDArray h = x;
        for (Layer l : layers) h = l.forward(h, training);
        return h;
    }

    INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        INDArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g, i > 0 || needInputGradient);
        return g;
    }
}
