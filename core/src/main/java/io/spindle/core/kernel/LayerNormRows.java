package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * The passes of layer normalisation over one contiguous float row of n values with a gain and bias per column:
 * the affine normalisation, the two sums of the input gradient, and one pass for the input gradient and the
 * column gradients. Offsets count floats. Sums run in {@link RowLoops}' eight ordered partial sums, so the SIMD
 * twins ({@link VectorLayerNorm}) give the same bits.
 */
public final class LayerNormRows {
    private LayerNormRows() {
    }

    /** {@code y[from + j] = ((x[from + j] − mean)·invStd)·gain[j] + bias[j]} for j < n. */
    public static void normalize(ByteBuffer x, ByteBuffer y, int from, int n, float mean, float invStd, ByteBuffer gain, ByteBuffer bias) {
        if (Simd.available()) VectorLayerNorm.normalize(x, y, from, n, mean, invStd, gain, bias);
        else normalizeFloat(x, y, from, 0, n, mean, invStd, gain, bias);
    }

    /** {@code out[0] = Σ dy·gain}, {@code out[1] = Σ (dy·gain)·x̂} over the row, x̂ = (x − mean)·invStd. */
    public static void gradientSums(ByteBuffer dy, ByteBuffer x, int from, int n, float mean, float invStd, ByteBuffer gain, float[] out) {
        if (Simd.available()) VectorLayerNorm.gradientSums(dy, x, from, n, mean, invStd, gain, out);
        else gradientSumsFloat(dy, x, from, n, mean, invStd, gain, out);
    }

    /**
     * {@code gainGrad[j] += dy·x̂}, {@code biasGrad[j] += dy}, and when {@code dx} is given
     * {@code dx = ((dy·gain − a) − x̂·b)·invStd}, with a and b the row's two sums over n.
     */
    public static void backward(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int n, float mean, float invStd, ByteBuffer gain,
                                float a, float b, ByteBuffer gainGrad, ByteBuffer biasGrad) {
        if (Simd.available()) VectorLayerNorm.backward(dy, x, dx, from, n, mean, invStd, gain, a, b, gainGrad, biasGrad);
        else backwardFloat(dy, x, dx, from, 0, n, mean, invStd, gain, a, b, gainGrad, biasGrad);
    }

    static void normalizeFloat(ByteBuffer x, ByteBuffer y, int from, int j0, int n, float mean, float invStd, ByteBuffer gain, ByteBuffer bias) {
        for (int j = j0; j < n; j++) {
            y.putFloat((from + j) * 4, ((x.getFloat((from + j) * 4) - mean) * invStd) * gain.getFloat(j * 4) + bias.getFloat(j * 4));
        }
    }

    static void gradientSumsFloat(ByteBuffer dy, ByteBuffer x, int from, int n, float mean, float invStd, ByteBuffer gain, float[] out) {
        float[] s = new float[RowLoops.LANES], p = new float[RowLoops.LANES];
        int bound = n / RowLoops.LANES * RowLoops.LANES;
        for (int j = 0; j < bound; j += RowLoops.LANES) {
            for (int l = 0; l < RowLoops.LANES; l++) {
                float g = dy.getFloat((from + j + l) * 4) * gain.getFloat((j + l) * 4);
                s[l] += g;
                p[l] += g * ((x.getFloat((from + j + l) * 4) - mean) * invStd);
            }
        }
        gradientTail(dy, x, from, bound, n, mean, invStd, gain, RowLoops.inOrder(s), RowLoops.inOrder(p), out);
    }

    /** The end both twins share: the lanes' sums, then the tail [j0, n) added one by one. */
    static void gradientTail(ByteBuffer dy, ByteBuffer x, int from, int j0, int n, float mean, float invStd, ByteBuffer gain,
                             float sum, float products, float[] out) {
        for (int j = j0; j < n; j++) {
            float g = dy.getFloat((from + j) * 4) * gain.getFloat(j * 4);
            sum += g;
            products += g * ((x.getFloat((from + j) * 4) - mean) * invStd);
        }
        out[0] = sum;
        out[1] = products;
    }

    static void backwardFloat(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int j0, int n, float mean, float invStd, ByteBuffer gain,
                              float a, float b, ByteBuffer gainGrad, ByteBuffer biasGrad) {
        for (int j = j0; j < n; j++) {
            float g = dy.getFloat((from + j) * 4), xhat = (x.getFloat((from + j) * 4) - mean) * invStd;
            gainGrad.putFloat(j * 4, gainGrad.getFloat(j * 4) + g * xhat);
            biasGrad.putFloat(j * 4, biasGrad.getFloat(j * 4) + g);
            if (dx != null) dx.putFloat((from + j) * 4, ((g * gain.getFloat(j * 4) - a) - xhat * b) * invStd);
        }
    }
}
