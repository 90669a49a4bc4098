package io.spindle.core.nn;

import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.RowLoops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;

/**
 * Batch norm of float NCHW images in Java passes over each (sample, channel) row of H·W values ({@link RowLoops}):
 * forward reads x twice (shifted sums, then y) and backward reads dy and x twice (the two sums, then dx), with x̂
 * recomputed from x instead of stored. Nothing is allocated per step. Statistics per channel are summed per row in
 * float and across rows in double; the variance is taken around the channel's first value, so a large mean does not
 * cancel it away. Shapes: x, y, dy, dx [B, C, H, W]; parameters and running statistics [C].
 */
final class ChannelNormKernel {
    private final float[] mean, invStd, sums = new float[2];
    private INDArray input;

    ChannelNormKernel(int channels) {
        mean = new float[channels];
        invStd = new float[channels];
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
        input = x;
        int batch = (int) x.size(0), channels = mean.length, per = (int) (x.length() / batch / channels);
        ByteBuffer in = Memory.of(x), out = Memory.of(y), rm = Memory.of(runningMean), rv = Memory.of(runningVar);
        ByteBuffer g = Memory.of(gamma), bt = Memory.of(beta);
        double count = (double) batch * per;
        for (int c = 0; c < channels; c++) {
            float shift = in.getFloat(c * per * 4);
            double s = 0, q = 0;
            for (int b = 0; b < batch; b++) {
                RowLoops.shiftedSums(in, (b * channels + c) * per, per, shift, sums);
                s += sums[0];
                q += sums[1];
            }
            double m = s / count, variance = Math.max(0, q / count - m * m);
            mean[c] = (float) (shift + m);
            invStd[c] = (float) (1 / Math.sqrt(variance + epsilon));
            // running = momentum·running + (1 − momentum)·batch, as Keras does (with the biased batch variance).
            rm.putFloat(c * 4, (float) (momentum * rm.getFloat(c * 4) + (1 - momentum) * mean[c]));
            rv.putFloat(c * 4, (float) (momentum * rv.getFloat(c * 4) + (1 - momentum) * variance));
            normalize(c, in, out, batch, per, g, bt);   // while the channel's rows are still in cache
        }
    }

    /** Inference: normalises with the running statistics. */
    void forwardInference(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double epsilon) {
        ByteBuffer rm = Memory.of(runningMean), rv = Memory.of(runningVar);
        for (int c = 0; c < mean.length; c++) {
            mean[c] = rm.getFloat(c * 4);
            invStd[c] = (float) (1 / Math.sqrt(rv.getFloat(c * 4) + epsilon));
        }
        int batch = (int) x.size(0), per = (int) (x.length() / batch / mean.length);
        ByteBuffer in = Memory.of(x), out = Memory.of(y), g = Memory.of(gamma), bt = Memory.of(beta);
        for (int c = 0; c < mean.length; c++) normalize(c, in, out, batch, per, g, bt);
    }

    /** Channel c of every sample: y = x̂·γ + β. */
    private void normalize(int c, ByteBuffer in, ByteBuffer out, int batch, int per, ByteBuffer gamma, ByteBuffer beta) {
        float g = gamma.getFloat(c * 4), b = beta.getFloat(c * 4);
        for (int s = 0; s < batch; s++) RowLoops.normalize(in, out, (s * mean.length + c) * per, per, mean[c], invStd[c], g, b);
    }

    /**
     * Adds dγ = Σ dy·x̂ and dβ = Σ dy into the gradient views and, when {@code dx} is given, writes
     * dx = γ·s·(dy − dβ/N − x̂·dγ/N). {@code dy} must be contiguous.
     */
    void backward(INDArray dy, INDArray dx, INDArray gamma, INDArray gammaGrad, INDArray betaGrad) {
        int batch = (int) input.size(0), channels = mean.length, per = (int) (input.length() / batch / channels);
        ByteBuffer in = Memory.of(input), g = Memory.of(dy), gg = Memory.of(gammaGrad), bg = Memory.of(betaGrad), gm = Memory.of(gamma);
        double count = (double) batch * per;
        ByteBuffer out = dx == null ? null : Memory.of(dx);
        for (int c = 0; c < channels; c++) {
            double dBeta = 0, dGamma = 0;
            for (int b = 0; b < batch; b++) {
                RowLoops.gradientSums(g, in, (b * channels + c) * per, per, mean[c], invStd[c], sums);
                dBeta += sums[0];
                dGamma += sums[1];
            }
            gg.putFloat(c * 4, gg.getFloat(c * 4) + (float) dGamma);
            bg.putFloat(c * 4, bg.getFloat(c * 4) + (float) dBeta);
            if (out == null) continue;
            float a = (float) (dBeta / count), k = gm.getFloat(c * 4) * invStd[c], bb = (float) (dGamma / count);
            for (int b = 0; b < batch; b++) {
                RowLoops.normalizeBackward(g, in, out, (b * channels + c) * per, per, mean[c], invStd[c], a, bb, k);
            }
        }
    }
}
