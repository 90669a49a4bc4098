package io.spindle.core.nn;

import io.spindle.core.kernel.ChannelNormLoops;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch norm of float NCHW images in two passes over memory in its own order, each (sample, channel) row of H·W values
 * copied into a kept heap array for the passes of {@link ChannelNormLoops}: forward sums every row into its channel's
 * statistics, then writes y; backward sums dy and dy·x̂, then writes dx, with x̂ recomputed from x instead of stored.
 * Whole arrays in memory order stream faster than a channel's rows gathered across the batch (bench/RESULTS.md).
 * Nothing is allocated per step. The variance is taken around the channel's first value, so a large mean does not
 * cancel it away. Shapes: x, y, dy, dx [B, C, H, W]; parameters and running statistics [C].
 */
final class ChannelNormKernel {
    private static final int SUMS = ChannelNormLoops.SUMS;
    private final float[] mean, invStd, shift, sums, scale, slope, offset;
    /** One row: x's values (then y's), and dy's (then dx's). */
    private float[] values = new float[0], grads = new float[0];
    private final KeptFloats in = new KeptFloats(), out = new KeptFloats(), gradOut = new KeptFloats(), gradIn = new KeptFloats();
    private final KeptFloats gain = new KeptFloats(), bias = new KeptFloats(), runMean = new KeptFloats(), runVar = new KeptFloats();
    private final KeptFloats gainGrad = new KeptFloats(), biasGrad = new KeptFloats();
    private INDArray input;
    private int batch, per;

    ChannelNormKernel(int channels) {
        mean = new float[channels];
        invStd = new float[channels];
        shift = new float[channels];
        scale = new float[channels];
        slope = new float[channels];
        offset = new float[channels];
        sums = new float[channels * SUMS];
    }

    /** Whether this kernel takes the arrays: all FLOAT, x an image batch, contiguous. */
    static boolean applies(INDArray x, INDArray... params) {
        if (x.rank() != 4 || x.dataType() != DataType.FLOAT || !Memory.isContiguous(x) || x.length() > Integer.MAX_VALUE / 4) return false;
        for (INDArray p : params) {
            if (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p)) return false;
        }
        return true;
    }

    /** Training: normalises with the batch statistics and folds them into the running averages. */
    void forwardTraining(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar,
                         double momentum, double epsilon) {
        shape(x);
        int channels = mean.length;
        FloatBuffer src = in.of(x), rm = runMean.of(runningMean), rv = runVar.of(runningVar);
        for (int c = 0; c < channels; c++) shift[c] = src.get(c * per);
        Arrays.fill(sums, 0f);
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            src.get(row * per, values, 0, per);
            ChannelNormLoops.shiftedSums(values, per, shift[c], sums, c * SUMS);
        }
        double count = (double) batch * per;
        for (int c = 0; c < channels; c++) {
            double m = ChannelNormLoops.first(sums, c * SUMS) / count;
            double variance = Math.max(0, ChannelNormLoops.second(sums, c * SUMS) / count - m * m);
            mean[c] = (float) (shift[c] + m);
            invStd[c] = (float) (1 / Math.sqrt(variance + epsilon));
            // running = momentum·running + (1 − momentum)·batch, as Keras does (with the biased batch variance).
            rm.put(c, (float) (momentum * rm.get(c) + (1 - momentum) * mean[c]));
            rv.put(c, (float) (momentum * rv.get(c) + (1 - momentum) * variance));
        }
        normalize(src, out.of(y), gamma, beta);
    }

    /** Inference: normalises with the running statistics. */
    void forwardInference(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double epsilon) {
        shape(x);
        FloatBuffer rm = runMean.of(runningMean), rv = runVar.of(runningVar);
        for (int c = 0; c < mean.length; c++) {
            mean[c] = rm.get(c);
            invStd[c] = (float) (1 / Math.sqrt(rv.get(c) + epsilon));
        }
        normalize(in.of(x), out.of(y), gamma, beta);
    }

    /** y = (x − μ)·(s·γ) + β, row by row. */
    private void normalize(FloatBuffer src, FloatBuffer dst, INDArray gamma, INDArray beta) {
        FloatBuffer g = gain.of(gamma), b = bias.of(beta);
        int channels = mean.length;
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            src.get(row * per, values, 0, per);
            ChannelNormLoops.normalize(values, per, mean[c], invStd[c] * g.get(c), b.get(c));
            dst.put(row * per, values, 0, per);
        }
    }

    /**
     * Adds dγ = Σ dy·x̂ and dβ = Σ dy into the gradient views and, when {@code dx} is given, writes
     * dx = γ·s·(dy − dβ/N − x̂·dγ/N). {@code dy} must be contiguous.
     */
    void backward(INDArray dy, INDArray dx, INDArray gamma, INDArray gammaGrad, INDArray betaGrad) {
        FloatBuffer x = in.of(input), g = gradOut.of(dy), gg = gainGrad.of(gammaGrad), bg = biasGrad.of(betaGrad);
        int channels = mean.length;
        Arrays.fill(sums, 0f);
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            x.get(row * per, values, 0, per);
            g.get(row * per, grads, 0, per);
            ChannelNormLoops.gradientSums(grads, values, per, mean[c], sums, c * SUMS);
        }
        FloatBuffer gm = gain.of(gamma);
        float count = (float) batch * per;
        for (int c = 0; c < channels; c++) {
            float dBeta = ChannelNormLoops.first(sums, c * SUMS), dGamma = ChannelNormLoops.second(sums, c * SUMS) * invStd[c];
            gg.put(c, gg.get(c) + dGamma);
            bg.put(c, bg.get(c) + dBeta);
            // dx = k·(dy − dβ/N − x̂·dγ/N), k = γ·s: the factors of dy and of (x − μ), and the constant
            scale[c] = gm.get(c) * invStd[c];
            slope[c] = -scale[c] * invStd[c] * (dGamma / count);
            offset[c] = -scale[c] * (dBeta / count);
        }
        if (dx == null) return;
        FloatBuffer target = gradIn.of(dx);
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            x.get(row * per, values, 0, per);
            g.get(row * per, grads, 0, per);
            ChannelNormLoops.inputGradient(grads, values, per, mean[c], scale[c], slope[c], offset[c]);
            target.put(row * per, grads, 0, per);
        }
    }

    /** The batch's geometry, and the row arrays (new only when the row length changes). */
    private void shape(INDArray x) {
        input = x;
        batch = (int) x.size(0);
        per = (int) (x.length() / batch / mean.length);
        if (values.length != per) {
            values = new float[per];
            grads = new float[per];
        }
    }
}
