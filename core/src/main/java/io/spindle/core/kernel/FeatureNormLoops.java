package io.spindle.core.kernel;

/**
 * The passes of batch normalisation over one row of a [B, F] batch copied into a heap array, each feature with its own
 * statistics: sums into per-feature arrays (one value per sample, so every feature's sum runs over the batch in sample
 * order, in either twin), the affine normalisation and the input gradient in place. The SIMD twin
 * ({@link VectorFeatureNorm}) does the same operations lane by lane, so the two agree bit for bit.
 */
public final class FeatureNormLoops {
    private FeatureNormLoops() {
    }

    /** {@code sums[j] += x[j] − shift[j]}, {@code squares[j] += (x[j] − shift[j])²} for j < n. */
    public static void shiftedSums(float[] x, float[] shift, float[] sums, float[] squares, int n) {
        if (Simd.available()) VectorFeatureNorm.shiftedSums(x, shift, sums, squares, n); else shiftedSumsFloat(x, shift, sums, squares, 0, n);
    }

    /** {@code sums[j] += dy[j]}, {@code products[j] += dy[j]·(x[j] − mean[j])} for j < n. */
    public static void gradientSums(float[] dy, float[] x, float[] mean, float[] sums, float[] products, int n) {
        if (Simd.available()) VectorFeatureNorm.gradientSums(dy, x, mean, sums, products, n);
        else gradientSumsFloat(dy, x, mean, sums, products, 0, n);
    }

    /** In place for j < n: {@code x[j] = (x[j] − mean[j])·scale[j] + shift[j]}, one rounding for the multiply-add. */
    public static void normalize(float[] x, float[] mean, float[] scale, float[] shift, int n) {
        if (Simd.available()) VectorFeatureNorm.normalize(x, mean, scale, shift, n); else normalizeFloat(x, mean, scale, shift, 0, n);
    }

    /** In place for j < n: {@code dy[j] = dy[j]·scale[j] + ((x[j] − mean[j])·slope[j] + offset[j])}, as {@link ChannelNormLoops#inputGradient}. */
    public static void inputGradient(float[] dy, float[] x, float[] mean, float[] scale, float[] slope, float[] offset, int n) {
        if (Simd.available()) VectorFeatureNorm.inputGradient(dy, x, mean, scale, slope, offset, n);
        else inputGradientFloat(dy, x, mean, scale, slope, offset, 0, n);
    }

    static void shiftedSumsFloat(float[] x, float[] shift, float[] sums, float[] squares, int from, int n) {
        for (int j = from; j < n; j++) {
            float d = x[j] - shift[j];
            sums[j] += d;
            squares[j] = Math.fma(d, d, squares[j]);
        }
    }

    static void gradientSumsFloat(float[] dy, float[] x, float[] mean, float[] sums, float[] products, int from, int n) {
        for (int j = from; j < n; j++) {
            sums[j] += dy[j];
            products[j] = Math.fma(dy[j], x[j] - mean[j], products[j]);
        }
    }

    static void normalizeFloat(float[] x, float[] mean, float[] scale, float[] shift, int from, int n) {
        for (int j = from; j < n; j++) x[j] = Math.fma(x[j] - mean[j], scale[j], shift[j]);
    }

    static void inputGradientFloat(float[] dy, float[] x, float[] mean, float[] scale, float[] slope, float[] offset, int from, int n) {
        for (int j = from; j < n; j++) dy[j] = Math.fma(dy[j], scale[j], Math.fma(x[j] - mean[j], slope[j], offset[j]));
    }
}
