package io.spindle.core.nn;

import io.spindle.core.kernel.LayerNormRows;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Layer norm of float rows in Java passes ({@link LayerNormRows}) over blocks of rows copied to the heap: forward reads
 * x once and writes y, keeping x̂ (on the heap) and each row's s = 1/√(σ² + ε) for backward; backward reads dy once and
 * writes dx. The parameters and their gradients are copied to heap arrays once a step. Nothing is allocated per step
 * once the row count is known. Shapes: x, y, dy, dx [N, D]; g, b [D].
 */
final class RowNormKernel {
    /** Floats per block of rows on the heap: with its x̂ it stays in the first-level cache between the passes. */
    private static final int BLOCK = 4096;
    private final KeptFloats in = new KeptFloats(), out = new KeptFloats(), gradOut = new KeptFloats(), gradIn = new KeptFloats();
    private final KeptFloats gainMemory = new KeptFloats(), biasMemory = new KeptFloats();
    private final KeptFloats gainGradMemory = new KeptFloats(), biasGradMemory = new KeptFloats();
    private float[] gain = new float[0], bias = new float[0], gainGrad = new float[0], biasGrad = new float[0];
    private float[] block = new float[0], scratch = new float[0], xhat = new float[0], invStd = new float[0];
    private int rows, width;

    /** Whether this kernel takes the arrays: all FLOAT and contiguous, within what one buffer addresses. */
    static boolean applies(INDArray x, INDArray... params) {
        if (x.dataType() != DataType.FLOAT || !Memory.isContiguous(x) || x.length() > Integer.MAX_VALUE / 4) return false;
        for (INDArray p : params) {
            if (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p)) return false;
        }
        return true;
    }

    /** y = x̂·g + b per row of D values; keeps x̂ and s for {@link #backward}. */
    void forward(INDArray x, INDArray y, INDArray g, INDArray b, int d, double epsilon) {
        shape((int) (x.length() / d), d);
        gainMemory.of(g).get(0, gain, 0, d);
        biasMemory.of(b).get(0, bias, 0, d);
        FloatBuffer src = in.of(x), dst = out.of(y);
        int per = block.length / d;
        for (int r = 0; r < rows; r += per) {
            int count = Math.min(per, rows - r), from = r * d;
            src.get(from, block, 0, count * d);
            LayerNormRows.forward(block, count, d, (float) epsilon, gain, bias, xhat, from, invStd, r, scratch);
            dst.put(from, block, 0, count * d);
        }
    }

    /** Adds dg and db into their gradient views; writes dx = s·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·g, when dx is given. */
    void backward(INDArray dy, INDArray dx, INDArray g, INDArray gg, INDArray bg) {
        int d = width;
        FloatBuffer gradGain = gainGradMemory.of(gg), gradBias = biasGradMemory.of(bg), src = gradOut.of(dy);
        FloatBuffer dst = dx == null ? null : gradIn.of(dx);
        gainMemory.of(g).get(0, gain, 0, d);
        gradGain.get(0, gainGrad, 0, d);
        gradBias.get(0, biasGrad, 0, d);
        int per = block.length / d;
        for (int r = 0; r < rows; r += per) {
            int count = Math.min(per, rows - r), from = r * d;
            src.get(from, block, 0, count * d);
            LayerNormRows.backward(block, count, d, gain, xhat, from, invStd, r, gainGrad, biasGrad, dst != null, scratch);
            if (dst != null) dst.put(from, block, 0, count * d);
        }
        gradGain.put(0, gainGrad, 0, d);
        gradBias.put(0, biasGrad, 0, d);
    }

    /** The heap arrays for N rows of D values: new only when either changes. */
    private void shape(int n, int d) {
        if (d != width) {
            gain = new float[d];
            bias = new float[d];
            gainGrad = new float[d];
            biasGrad = new float[d];
            block = new float[Math.max(1, BLOCK / d) * d];
            scratch = LayerNormRows.scratch(Math.max(1, BLOCK / d));
        }
        if (n != rows || d != width) {
            xhat = new float[n * d];
            invStd = new float[n];
        }
        rows = n;
        width = d;
    }
}
