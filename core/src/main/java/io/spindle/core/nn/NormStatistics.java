package io.spindle.core.nn;

import java.nio.FloatBuffer;

/**
 * Batch norm's numbers per channel (or feature), shared by its float kernels: the mean μ, s = 1/√(σ² + ε), and the
 * factors of the normalisation (scale = s·γ) and of the input gradient (dx = dy·scale + ((x − μ)·slope + offset)).
 * The running averages and the parameter gradients are the layer's views ({@link KeptFloats}).
 */
final class NormStatistics {
    final float[] mean, invStd, scale, slope, offset;

    NormStatistics(int channels) {
        mean = new float[channels];
        invStd = new float[channels];
        scale = new float[channels];
        slope = new float[channels];
        offset = new float[channels];
    }

    /**
     * Training: channel c's μ and s from its sums of (x − shift) and (x − shift)² over {@code count} values; folds them into
     * the running averages as Keras does (running = momentum·running + (1 − momentum)·batch, biased variance).
     */
    void fromSums(int c, float shift, double sum, double squares, double count, double momentum, double epsilon,
                  FloatBuffer runningMean, FloatBuffer runningVar, FloatBuffer gamma) {
        double m = sum / count, variance = Math.max(0, squares / count - m * m);
        mean[c] = (float) (shift + m);
        invStd[c] = (float) (1 / Math.sqrt(variance + epsilon));
        scale[c] = invStd[c] * gamma.get(c);
        runningMean.put(c, (float) (momentum * runningMean.get(c) + (1 - momentum) * mean[c]));
        runningVar.put(c, (float) (momentum * runningVar.get(c) + (1 - momentum) * variance));
    }

    /** Inference: channel c's μ and s from the running averages. */
    void fromRunning(int c, FloatBuffer runningMean, FloatBuffer runningVar, double epsilon, FloatBuffer gamma) {
        mean[c] = runningMean.get(c);
        invStd[c] = (float) (1 / Math.sqrt(runningVar.get(c) + epsilon));
        scale[c] = invStd[c] * gamma.get(c);
    }

    /**
     * From channel c's Σ dy (= dβ) and Σ dy·(x − μ) over {@code count} values: adds dβ and dγ = s·Σ dy·(x − μ) into the
     * gradient views and sets the input gradient's factors, k·(dy − dβ/N − x̂·dγ/N) with k = γ·s.
     */
    void gradient(int c, float dBeta, float products, float count, FloatBuffer gamma, FloatBuffer gammaGrad, FloatBuffer betaGrad) {
        float dGamma = products * invStd[c];
        gammaGrad.put(c, gammaGrad.get(c) + dGamma);
        betaGrad.put(c, betaGrad.get(c) + dBeta);
        scale[c] = gamma.get(c) * invStd[c];
        slope[c] = -scale[c] * invStd[c] * (dGamma / count);
        offset[c] = -scale[c] * (dBeta / count);
    }
}
