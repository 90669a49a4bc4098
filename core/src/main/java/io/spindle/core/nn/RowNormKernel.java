package io.spindle.core.nn;

import io.spindle.core.kernel.LayerNormRows;
import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.RowLoops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;

/**
 * Layer norm of float rows in Java passes ({@link LayerNormRows}): forward reads each row twice (shifted sums,
 * then y), backward reads dy and x twice (the two sums, then dx with the column gradients), x̂ recomputed from x
 * instead of stored. Nothing is allocated per step once the row count is known. Shapes: x, y, dy, dx [N, D]; g, b [D].
 */
final class RowNormKernel {
    private final float[] sums = new float[2];
    private float[] mean = new float[0], invStd = new float[0];
    private INDArray input;

    /** Whether this kernel takes the arrays: all FLOAT and contiguous, within what one buffer addresses. */
    static boolean applies(INDArray x, INDArray... params) {
        if (x.dataType() != DataType.FLOAT || !Memory.isContiguous(x) || x.length() > Integer.MAX_VALUE / 4) return false;
        for (INDArray p : params) {
            if (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p)) return false;
        }
        return true;
    }

    /** y = x̂·g + b per row of D values; keeps x for {@link #backward}. */
    void forward(INDArray x, INDArray y, INDArray gain, INDArray bias, int d, double epsilon) {
        input = x;
        int rows = (int) (x.length() / d);
        if (mean.length != rows) {
            mean = new float[rows];
            invStd = new float[rows];
        }
        ByteBuffer in = Memory.of(x), out = Memory.of(y), g = Memory.of(gain), b = Memory.of(bias);
        for (int r = 0; r < rows; r++) {
            // Sums around the row's first value, so that a large mean does not cancel the variance away.
            float shift = in.getFloat(r * d * 4);
            RowLoops.shiftedSums(in, r * d, d, shift, sums);
            double m = (double) sums[0] / d, variance = Math.max(0, (double) sums[1] / d - m * m);
            mean[r] = (float) (shift + m);
            invStd[r] = (float) (1 / Math.sqrt(variance + epsilon));
            LayerNormRows.normalize(in, out, r * d, d, mean[r], invStd[r], g, b);
        }
    }

    /** Adds dg and db into their gradient views; writes dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·g, when dx is given. */
    void backward(INDArray dy, INDArray dx, INDArray gain, INDArray gainGrad, INDArray biasGrad, int d) {
        ByteBuffer grad = Memory.of(dy), in = Memory.of(input), out = dx == null ? null : Memory.of(dx);
        ByteBuffer g = Memory.of(gain), gg = Memory.of(gainGrad), bg = Memory.of(biasGrad);
        for (int r = 0; r < mean.length; r++) {
            LayerNormRows.gradientSums(grad, in, r * d, d, mean[r], invStd[r], g, sums);
            LayerNormRows.backward(grad, in, out, r * d, d, mean[r], invStd[r], g, sums[0] / d, sums[1] / d, gg, bg);
        }
    }
}
