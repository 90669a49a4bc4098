package io.spindle.core.kernel;


/**
 * Direct convolution on a zero-padded image held in a float array, for layers with few input channels, where one
 * side of every GEMM would be tiny (K = 25 taps for a 5×5 kernel on one channel) and im2col costs more than the
 * arithmetic. The image is one run per channel; the output is computed on the padded grid, so the input of tap r
 * for output position p is {@code x[xAt + shifts[r] + p]}: every tap reads a contiguous run, and the positions
 * vectorise. Rows r are ordered (kh, kw, c) like the layer's weights [kH, kW, C, F], which are read as
 * {@code w[r·F + f]}.
 * <p>
 * Every output element is computed by the same fused multiply-adds in the same order in the SIMD loops
 * ({@link VectorConvTaps}) and in their scalar twins here; sums over positions run in eight lane sums (position
 * p into lane p mod 8), added in lane order, as {@link RowLoops} does. So both give the same bits.
 */
public final class ConvTaps {
    /** Positions per block of the SIMD loops: position counts passed in must be multiples of it. */
    public static final int BLOCK = 32;
    /** The floats of the scratch array {@link #weightGradient} takes: sixteen sets of lane sums. */
    public static final int SCRATCH = 16 * RowLoops.LANES;
    static final int LANES = RowLoops.LANES;

    private ConvTaps() {
    }

    /**
     * {@code out[outAt + f·outStride + p] = bias[f] + Σ_r w[r·F + f] · x[xAt + shifts[r] + p]} for p < n, then
     * {@code max(·, 0)} when {@code relu}. {@code n} is a multiple of {@link #BLOCK}.
     */
    public static void forward(float[] x, int xAt, int[] shifts, float[] w, int filters, float[] bias, boolean relu,
                               float[] out, int outAt, int outStride, int n) {
        requireBlocks(n);
        if (Simd.available()) VectorConvTaps.forward(x, xAt, shifts, w, filters, bias, relu, out, outAt, outStride, n);
        else forwardFloat(x, xAt, shifts, w, filters, bias, relu, out, outAt, outStride, n);
    }

    static void forwardFloat(float[] x, int xAt, int[] shifts, float[] w, int filters, float[] bias, boolean relu,
                             float[] out, int outAt, int outStride, int n) {
        for (int f = 0; f < filters; f++) {
            for (int p = 0; p < n; p++) {
                float acc = bias[f];
                for (int r = 0; r < shifts.length; r++) acc = Math.fma(x[xAt + shifts[r] + p], w[r * filters + f], acc);
                out[outAt + f * outStride + p] = relu ? Math.max(acc, 0f) : acc;
            }
        }
    }

    /**
     * Adds {@code dw[r·F + f] += Σ_p g[f·gStride + gAt + p] · x[xAt + shifts[r] + p]} and, when {@code db} is given,
     * {@code db[f] += Σ_p g[f·gStride + gAt + p]}, over p < n (a multiple of {@link #BLOCK}): each sum in eight lane
     * sums, added in lane order in float, then into the double. {@code scratch} holds {@link #SCRATCH} floats.
     */
    public static void weightGradient(float[] x, int xAt, int[] shifts, float[] g, int gAt, int gStride, int filters, int n,
                                      double[] dw, double[] db, float[] scratch) {
        requireBlocks(n);
        if (Simd.available()) VectorConvTaps.weightGradient(x, xAt, shifts, g, gAt, gStride, filters, n, dw, scratch);
        else weightGradientFloat(x, xAt, shifts, g, gAt, gStride, filters, n, dw);
        if (db == null) return;
        if (Simd.available()) VectorConvTaps.biasGradient(g, gAt, gStride, filters, n, db, scratch);
        else biasGradientFloat(g, gAt, gStride, filters, n, db);
    }

    static void weightGradientFloat(float[] x, int xAt, int[] shifts, float[] g, int gAt, int gStride, int filters, int n, double[] dw) {
        float[] lanes = new float[LANES];
        for (int r = 0; r < shifts.length; r++) {
            for (int f = 0; f < filters; f++) {
                java.util.Arrays.fill(lanes, 0f);
                for (int p = 0; p < n; p++) {
                    lanes[p % LANES] = Math.fma(g[f * gStride + gAt + p], x[xAt + shifts[r] + p], lanes[p % LANES]);
                }
                dw[r * filters + f] += RowLoops.inOrder(lanes);
            }
        }
    }

    static void biasGradientFloat(float[] g, int gAt, int gStride, int filters, int n, double[] db) {
        float[] lanes = new float[LANES];
        for (int f = 0; f < filters; f++) {
            java.util.Arrays.fill(lanes, 0f);
            for (int p = 0; p < n; p++) lanes[p % LANES] += g[f * gStride + gAt + p];
            db[f] += RowLoops.inOrder(lanes);
        }
    }

    /**
     * ReLU's backward in place: {@code g[f·gStride + gAt + p] = 0} where {@code y[yAt + f·yStride + p] <= 0}, for
     * f < filters and p < n (a multiple of {@link #BLOCK}).
     */
    public static void keepWherePositive(float[] g, int gAt, int gStride, float[] y, int yAt, int yStride, int filters, int n) {
        requireBlocks(n);
        if (Simd.available()) {
            VectorConvTaps.keepWherePositive(g, gAt, gStride, y, yAt, yStride, filters, n);
            return;
        }
        for (int f = 0; f < filters; f++) {
            for (int p = 0; p < n; p++) {
                if (!(y[yAt + f * yStride + p] > 0)) g[f * gStride + gAt + p] = 0f;
            }
        }
    }

    private static void requireBlocks(int n) {
        if (n % BLOCK != 0) throw new IllegalArgumentException("position count " + n + " is not a multiple of " + BLOCK);
    }
}
