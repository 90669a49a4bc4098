package io.spindle.core.nn;

import io.spindle.core.kernel.ChannelNormLoops;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch norm of float NCHW images in two passes over memory in its own order, each (sample, channel) row of H·W values
 * copied into a kept heap array for the passes of {@link ChannelNormLoops}: forward sums every row into its channel's
 * statistics, then writes y; backward sums dy and dy·(x − μ), then writes dx, with x − μ recomputed from x, not stored.
 * Whole arrays in memory order stream faster than a channel's rows gathered across the batch (bench/RESULTS.md).
 * Nothing is allocated per step. The variance is taken around the channel's first value, so a large mean does not
 * cancel it away. Shapes: x, y, dy, dx [B, C, H, W]; parameters and running statistics [C].
 */
final class ChannelNormKernel implements FloatNormKernel {
    private static final int SUMS = ChannelNormLoops.SUMS;
    private final NormStatistics stats;
    private final float[] shift, sums;
    /** One row: x's values (then y's), and dy's (then dx's). */
    private float[] values = new float[0], grads = new float[0];
    private final KeptFloats in = new KeptFloats(), out = new KeptFloats(), gradOut = new KeptFloats(), gradIn = new KeptFloats();
    private final KeptFloats gain = new KeptFloats(), bias = new KeptFloats(), runMean = new KeptFloats(), runVar = new KeptFloats();
    private final KeptFloats gainGrad = new KeptFloats(), biasGrad = new KeptFloats();
    private INDArray input;
    private int batch, per;

    ChannelNormKernel(int channels) {
        stats = new NormStatistics(channels);
        shift = new float[channels];
        sums = new float[channels * SUMS];
    }

    @Override
    public void forwardTraining(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar,
                                double momentum, double epsilon) {
        shape(x);
        int channels = shift.length;
        FloatBuffer src = in.of(x), rm = runMean.of(runningMean), rv = runVar.of(runningVar), g = gain.of(gamma);
        for (int c = 0; c < channels; c++) shift[c] = src.get(c * per);
        Arrays.fill(sums, 0f);
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            src.get(row * per, values, 0, per);
            ChannelNormLoops.shiftedSums(values, per, shift[c], sums, c * SUMS);
        }
        double count = (double) batch * per;
        for (int c = 0; c < channels; c++) {
            stats.fromSums(c, shift[c], ChannelNormLoops.first(sums, c * SUMS), ChannelNormLoops.second(sums, c * SUMS), count, momentum,
                    epsilon, rm, rv, g);
        }
        normalize(src, out.of(y), beta);
    }

    @Override
    public void forwardInference(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double epsilon) {
        shape(x);
        FloatBuffer rm = runMean.of(runningMean), rv = runVar.of(runningVar), g = gain.of(gamma);
        for (int c = 0; c < shift.length; c++) stats.fromRunning(c, rm, rv, epsilon, g);
        normalize(in.of(x), out.of(y), beta);
    }

    /** y = (x − μ)·(s·γ) + β, row by row. */
    private void normalize(FloatBuffer src, FloatBuffer dst, INDArray beta) {
        FloatBuffer b = bias.of(beta);
        int channels = shift.length;
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            src.get(row * per, values, 0, per);
            ChannelNormLoops.normalize(values, per, stats.mean[c], stats.scale[c], b.get(c));
            dst.put(row * per, values, 0, per);
        }
    }

    /** Adds dγ = Σ dy·x̂ and dβ = Σ dy and, when {@code dx} is given, writes dx = γ·s·(dy − dβ/N − x̂·dγ/N). */
    @Override
    public void backward(INDArray dy, INDArray dx, INDArray gamma, INDArray gammaGrad, INDArray betaGrad) {
        FloatBuffer x = in.of(input), g = gradOut.of(dy), gg = gainGrad.of(gammaGrad), bg = biasGrad.of(betaGrad);
        int channels = shift.length;
        Arrays.fill(sums, 0f);
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            x.get(row * per, values, 0, per);
            g.get(row * per, grads, 0, per);
            ChannelNormLoops.gradientSums(grads, values, per, stats.mean[c], sums, c * SUMS);
        }
        FloatBuffer gm = gain.of(gamma);
        for (int c = 0; c < channels; c++) {
            stats.gradient(c, ChannelNormLoops.first(sums, c * SUMS), ChannelNormLoops.second(sums, c * SUMS), (float) batch * per, gm, gg, bg);
        }
        if (dx == null) return;
        FloatBuffer target = gradIn.of(dx);
        for (int row = 0; row < batch * channels; row++) {
            int c = row % channels;
            x.get(row * per, values, 0, per);
            g.get(row * per, grads, 0, per);
            ChannelNormLoops.inputGradient(grads, values, per, stats.mean[c], stats.scale[c], stats.slope[c], stats.offset[c]);
            target.put(row * per, grads, 0, per);
        }
    }

    /** The batch's geometry, and the row arrays (new only when the row length changes). */
    private void shape(INDArray x) {
        input = x;
        batch = (int) x.size(0);
        per = (int) (x.length() / batch / shift.length);
        if (values.length != per) {
            values = new float[per];
            grads = new float[per];
        }
    }
}
