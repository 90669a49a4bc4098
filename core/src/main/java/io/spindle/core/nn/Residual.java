package io.spindle.core.nn;

import io.spindle.core.kernel.Elementwise;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;

/**
 * A residual connection around a chain of layers, {@code y = x + f(x)}; backward adds the
 * gradient that skips the chain to the one that went through it: {@code dx = dy + f'(x)ᵀ·dy}.
 * Shapes: x [B, ...] → y [B, ...], the same (the chain must keep the shape).
 */
public final class Residual implements Layer {
    private final String name;
    private final LayerChain chain;
    private INDArray output, inputGrad;

    public Residual(String name, List<Layer> layers) {
        this.name = name;
        this.chain = new LayerChain(layers);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] outputShape(long[] in) {
        long[] out = chain.outputShape(in);
        if (!Arrays.equals(out, in)) {
            throw new IllegalArgumentException(name + ": its layers turn " + Arrays.toString(in) + " into " + Arrays.toString(out)
                    + ", but a residual connection must keep the shape");
        }
        return in;
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        return chain.params(in);
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        chain.bind(in, params, grads);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray fx = chain.forward(x, training);
        output = Buffers.reuse(output, x.dataType(), x.shape());
        return sum(fx, x, output);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        INDArray throughChain = chain.backward(gradOutput, needInputGradient);
        if (!needInputGradient) return null;
        inputGrad = Buffers.reuse(inputGrad, gradOutput.dataType(), gradOutput.shape());
        return sum(throughChain, gradOutput, inputGrad);
    }

    /** {@code out = a + b}: one Java pass on contiguous arrays, else two native ops. */
    private static INDArray sum(INDArray a, INDArray b, INDArray out) {
        if (!Elementwise.applies(a, b, out)) return out.assign(a).addi(b);
        Elementwise.add(a, b, out);
        return out;
    }

    /** The layers inside, for tests that need to reach one (e.g. to reseed a dropout). */
    public List<Layer> layers() {
        return chain.layers();
    }
}
