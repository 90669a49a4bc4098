package io.spindle.core.nn;

import io.spindle.core.kernel.FeatureNormLoops;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch norm of float [B, F] batches, statistics per feature, in two passes over the samples' rows (each copied into a
 * kept heap array for {@link FeatureNormLoops}): forward sums every row into per-feature sums, then writes y; backward
 * sums dy and dy·(x − μ), then writes dx. Nothing is allocated per step. The variance is taken around the first
 * sample's values. Shapes: x, y, dy, dx [B, F]; parameters and running statistics [F].
 */
final class FeatureNormKernel implements FloatNormKernel {
    private final NormStatistics stats;
    private final float[] shift, beta, sums, products, values, grads;
    private final KeptFloats in = new KeptFloats(), out = new KeptFloats(), gradOut = new KeptFloats(), gradIn = new KeptFloats();
    private final KeptFloats gain = new KeptFloats(), bias = new KeptFloats(), runMean = new KeptFloats(), runVar = new KeptFloats();
    private final KeptFloats gainGrad = new KeptFloats(), biasGrad = new KeptFloats();
    private INDArray input;

    FeatureNormKernel(int features) {
        stats = new NormStatistics(features);
        shift = new float[features];
        beta = new float[features];
        sums = new float[features];
        products = new float[features];
        values = new float[features];
        grads = new float[features];
    }

    @Override
    public void forwardTraining(INDArray x, INDArray y, INDArray gamma, INDArray betaArray, INDArray runningMean, INDArray runningVar,
                                double momentum, double epsilon) {
        input = x;
        int batch = (int) x.size(0), features = shift.length;
        FloatBuffer src = in.of(x), g = gain.of(gamma);
        src.get(0, shift, 0, features);
        Arrays.fill(sums, 0f);
        Arrays.fill(products, 0f);
        for (int b = 0; b < batch; b++) {
            src.get(b * features, values, 0, features);
            FeatureNormLoops.shiftedSums(values, shift, sums, products, features);
        }
        FloatBuffer rm = runMean.of(runningMean), rv = runVar.of(runningVar);
        for (int f = 0; f < features; f++) stats.fromSums(f, shift[f], sums[f], products[f], batch, momentum, epsilon, rm, rv, g);
        normalize(src, out.of(y), betaArray, batch);
    }

    @Override
    public void forwardInference(INDArray x, INDArray y, INDArray gamma, INDArray betaArray, INDArray runningMean, INDArray runningVar, double epsilon) {
        input = x;
        FloatBuffer rm = runMean.of(runningMean), rv = runVar.of(runningVar), g = gain.of(gamma);
        for (int f = 0; f < shift.length; f++) stats.fromRunning(f, rm, rv, epsilon, g);
        normalize(in.of(x), out.of(y), betaArray, (int) x.size(0));
    }

    /** y = (x − μ)·(s·γ) + β, row by row. */
    private void normalize(FloatBuffer src, FloatBuffer dst, INDArray betaArray, int batch) {
        int features = shift.length;
        bias.of(betaArray).get(0, beta, 0, features);
        for (int b = 0; b < batch; b++) {
            src.get(b * features, values, 0, features);
            FeatureNormLoops.normalize(values, stats.mean, stats.scale, beta, features);
            dst.put(b * features, values, 0, features);
        }
    }

    /** Adds dγ = Σ dy·x̂ and dβ = Σ dy and, when {@code dx} is given, writes dx = γ·s·(dy − dβ/N − x̂·dγ/N). */
    @Override
    public void backward(INDArray dy, INDArray dx, INDArray gamma, INDArray gammaGrad, INDArray betaGrad) {
        int batch = (int) input.size(0), features = shift.length;
        FloatBuffer x = in.of(input), g = gradOut.of(dy);
        Arrays.fill(sums, 0f);
        Arrays.fill(products, 0f);
        for (int b = 0; b < batch; b++) {
            x.get(b * features, values, 0, features);
            g.get(b * features, grads, 0, features);
            FeatureNormLoops.gradientSums(grads, values, stats.mean, sums, products, features);
        }
        FloatBuffer gm = gain.of(gamma), gg = gainGrad.of(gammaGrad), bg = biasGrad.of(betaGrad);
        for (int f = 0; f < features; f++) stats.gradient(f, sums[f], products[f], batch, gm, gg, bg);
        if (dx == null) return;
        FloatBuffer target = gradIn.of(dx);
        for (int b = 0; b < batch; b++) {
            x.get(b * features, values, 0, features);
            g.get(b * features, grads, 0, features);
            FeatureNormLoops.inputGradient(grads, values, stats.mean, stats.scale, stats.slope, stats.offset, features);
            target.put(b * features, grads, 0, features);
        }
    }
}
