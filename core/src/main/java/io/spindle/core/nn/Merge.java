package io.spindle.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;

/**
 * A graph node that combines two or more inputs into one: {@code add} (a residual sum), {@code multiply}
 * (element-wise product) or {@code concatenate} along one per-sample axis.
 * Shapes: add / multiply: every x_i [B, ...s] → y [B, ...s]; concatenate on axis a: x_i [B, ..., n_i, ...] → y [B, ..., Σn_i, ...].
 * Backward: add hands dy to every input; multiply hands dy·Π_{j≠i} x_j; concatenate hands each input its slice of dy.
 */
public final class Merge {
    private final MergeConfig config;
    private int axis;
    private long[] widths;
    private List<INDArray> inputs;
    private INDArray output;
    private INDArray[] inputGrads;

    public Merge(MergeConfig config) {
        this.config = config;
    }

    public String name() {
        return config.type();
    }

    /** The per-sample output shape; the error names both shapes that do not match. */
    public long[] outputShape(List<long[]> in) {
        if (in.size() < 2) throw new IllegalArgumentException(name() + " needs at least two inputs but has " + in.size());
        long[] first = in.get(0);
        if (config.kind() != MergeConfig.Kind.CONCATENATE) {
            for (long[] s : in) {
                if (!Arrays.equals(s, first)) {
                    throw new IllegalArgumentException(name() + " needs inputs of one shape but got " + Arrays.toString(first)
                            + " and " + Arrays.toString(s));
                }
            }
            return first.clone();
        }
        int a = config.axisFor(first.length);
        long[] out = first.clone();
        widths = new long[in.size()];
        widths[0] = first[a];
        for (int i = 1; i < in.size(); i++) {
            long[] s = in.get(i);
            if (!sameExceptAxis(first, s, a)) {
                throw new IllegalArgumentException("concatenate on axis " + a + " needs inputs that agree on every other axis but got "
                        + Arrays.toString(first) + " and " + Arrays.toString(s));
            }
            widths[i] = s[a];
            out[a] += s[a];
        }
        axis = a;
        return out;
    }

    private static boolean sameExceptAxis(long[] x, long[] y, int axis) {
        if (x.length != y.length) return false;
        for (int d = 0; d < x.length; d++) if (d != axis && x[d] != y[d]) return false;
        return true;
    }

    /** Combines a batch; the returned array is owned here and reused next call. */
    public INDArray forward(List<INDArray> xs) {
        inputs = xs;
        INDArray x0 = xs.get(0);
        if (config.kind() == MergeConfig.Kind.CONCATENATE) {
            long[] shape = x0.shape().clone();
            shape[axis + 1] = Arrays.stream(widths).sum();
            output = Buffers.reuse(output, x0.dataType(), shape);
            long at = 0;
            for (int i = 0; i < xs.size(); i++) {
                output.get(slice(output.rank(), at, widths[i])).assign(xs.get(i));
                at += widths[i];
            }
            return output;
        }
        output = Buffers.reuse(output, x0.dataType(), x0.shape());
        output.assign(x0);
        for (int i = 1; i < xs.size(); i++) {
            if (config.kind() == MergeConfig.Kind.ADD) output.addi(xs.get(i));
            else output.muli(xs.get(i));
        }
        return output;
    }

    /** dLoss/dInput for every input, in input order; the arrays are owned here (add returns {@code gradOutput} itself). */
    public INDArray[] backward(INDArray gradOutput) {
        int n = inputs.size();
        if (inputGrads == null || inputGrads.length != n) inputGrads = new INDArray[n];
        switch (config.kind()) {
            case ADD -> Arrays.fill(inputGrads, gradOutput);
            case CONCATENATE -> {
                long at = 0;
                for (int i = 0; i < n; i++) {
                    inputGrads[i] = Buffers.reuse(inputGrads[i], gradOutput.dataType(), inputs.get(i).shape())
                            .assign(gradOutput.get(slice(gradOutput.rank(), at, widths[i])));
                    at += widths[i];
                }
            }
            case MULTIPLY -> {
                for (int i = 0; i < n; i++) {
                    INDArray g = Buffers.reuse(inputGrads[i] == gradOutput ? null : inputGrads[i], gradOutput.dataType(), gradOutput.shape());
                    g.assign(gradOutput);
                    for (int j = 0; j < n; j++) if (j != i) g.muli(inputs.get(j));
                    inputGrads[i] = g;
                }
            }
        }
        return inputGrads;
    }

    private INDArrayIndex[] slice(int rank, long from, long width) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) idx[d] = d == axis + 1 ? NDArrayIndex.interval(from, from + width) : NDArrayIndex.all();
        return idx;
    }
}
