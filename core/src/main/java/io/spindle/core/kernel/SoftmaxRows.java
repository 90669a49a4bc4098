package io.spindle.core.kernel;

/**
 * Softmax over the rows of a float block and its backward pass, in place, one call per block of rows. A row is
 * {@code stride} floats, a multiple of {@link RowLoops#LANES}, of which the first {@code valid} take part (all
 * {@code n} of them, or row i's first i + 1 when causal); the rest of the row comes out 0, whatever it held, so
 * callers pad rows to whole vectors and mask the future by length instead of by a large negative score.
 * Sums run in {@link RowLoops}' eight ordered partial sums and exp is {@link Transcendentals#exp}, so the SIMD
 * twin ({@link VectorSoftmax}) gives the same bits. Probabilities and score gradients below
 * {@link TinyValues#LOSS_GRADIENT} are flushed to 0: a key far below the row's best one gets e^-87 / Σ, subnormal,
 * and every GEMM that read it would take a microcode assist per element.
 */
public final class SoftmaxRows {
    private SoftmaxRows() {
    }

    /**
     * {@code p[r, j] = exp(s[r, j] − max_r) / Σ_r} over each row's valid values, rows [0, n) from offset {@code from},
     * in place on a Java array: the SIMD twin reads and writes arrays, not native memory, because C2 in Java 17 at
     * times compiled its store into a direct buffer without the Vector API intrinsic and boxed every vector
     * (bench/RESULTS.md, issue 18).
     */
    public static void forward(float[] s, int from, int n, int stride, boolean causal) {
        requireStride(n, stride);
        if (Simd.available()) VectorSoftmax.forward(s, from, n, stride, causal);
        else forwardFloat(s, from, n, stride, causal);
    }

    /**
     * {@code dp[r, j] ← p[r, j]·(dp[r, j] − Σ_k dp[r, k]·p[r, k])}: the score gradient from the probabilities' one, in
     * dp's place; on Java arrays, as the forward.
     */
    public static void backward(float[] p, int pFrom, float[] dp, int dpFrom, int n, int stride) {
        requireStride(n, stride);
        if (Simd.available()) VectorSoftmax.backward(p, pFrom, dp, dpFrom, n, stride);
        else backwardFloat(p, pFrom, dp, dpFrom, n, stride);
    }

    /** The row length a block of n-value rows is padded to. */
    public static int stride(int n) {
        return (n + RowLoops.LANES - 1) / RowLoops.LANES * RowLoops.LANES;
    }

    private static void requireStride(int n, int stride) {
        if (stride < n || stride % RowLoops.LANES != 0) {
            throw new IllegalArgumentException("softmax rows of " + n + " values need a stride >= n and a multiple of " + RowLoops.LANES + ", not " + stride);
        }
    }

    static void forwardFloat(float[] s, int from, int n, int stride, boolean causal) {
        float[] lanes = new float[RowLoops.LANES];
        for (int r = 0; r < n; r++) {
            int at = from + r * stride, valid = causal ? r + 1 : n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < valid; j++) max = Math.max(max, s[at + j]);
            java.util.Arrays.fill(lanes, 0f);
            for (int j = 0; j < stride; j++) {
                float e = j < valid ? Transcendentals.exp(s[at + j] - max) : 0f;
                lanes[j % RowLoops.LANES] += e;
                s[at + j] = e;
            }
            float inverse = 1f / RowLoops.inOrder(lanes);
            for (int j = 0; j < stride; j++) {
                float p = s[at + j] * inverse;
                s[at + j] = p < TinyValues.LOSS_GRADIENT ? 0f : p;
            }
        }
    }

    static void backwardFloat(float[] p, int pFrom, float[] dp, int dpFrom, int n, int stride) {
        float[] lanes = new float[RowLoops.LANES];
        for (int r = 0; r < n; r++) {
            int pAt = pFrom + r * stride, dAt = dpFrom + r * stride;
            java.util.Arrays.fill(lanes, 0f);
            for (int j = 0; j < stride; j++) lanes[j % RowLoops.LANES] += dp[dAt + j] * p[pAt + j];
            float dot = RowLoops.inOrder(lanes);
            for (int j = 0; j < stride; j++) {
                float ds = p[pAt + j] * (dp[dAt + j] - dot);
                dp[dAt + j] = Math.abs(ds) < TinyValues.LOSS_GRADIENT ? 0f : ds;
            }
        }
    }
}
