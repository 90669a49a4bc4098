package io.spindle.core.kernel;

/**
 * The passes of batch normalisation over one row of a channel (one sample's H·W values of it) copied into a heap array:
 * shifted sums for the statistics and the two gradient sums, each added into the channel's running sums, the affine
 * normalisation, and the input gradient; the last two write in place. Heap arrays because Java 17's Vector API loads
 * and stores a direct buffer several times slower than an array (bench/RESULTS.md, issue 18 batch norm).
 * A channel's sums ({@link #SUMS} floats at an offset of a kept array) are eight lanes per sum and the values past a
 * row's last whole eight, one by one. A row's whole eights run in blocks of {@link #BLOCK} values, each in four
 * interleaved eight-lane partial sums combined pairwise into the lanes; at the end the lanes are added in lane order,
 * then the rest. The SIMD twin ({@link VectorChannelNorm}) adds the same numbers in the same order, so the two agree
 * bit for bit; rows and blocks keep every float sum short.
 */
public final class ChannelNormLoops {
    /** Values per block: a multiple of the four lane groups' 32. */
    static final int BLOCK = 1024;
    /** Floats of one channel's sums: each sum's eight lanes, then each sum's rest. */
    public static final int SUMS = 2 * RowLoops.LANES + 2;
    private static final int LANES = RowLoops.LANES, SECOND = LANES, REST = 2 * LANES;

    private ChannelNormLoops() {
    }

    /** Adds Σ (x − shift) and Σ (x − shift)² over x[0, n) into the channel's sums at {@code sums[at]}. */
    public static void shiftedSums(float[] x, int n, float shift, float[] sums, int at) {
        shiftedSums(x, n, shift, sums, at, Simd.available());
    }

    /** As the public one, SIMD or the scalar twin as told: the twins' tests call both. */
    static void shiftedSums(float[] x, int n, float shift, float[] sums, int at, boolean simd) {
        int whole = n / LANES * LANES;
        for (int from = 0; from < whole; from += BLOCK) {
            int to = Math.min(from + BLOCK, whole);
            if (simd) VectorChannelNorm.shiftedSums(x, from, to, shift, sums, at); else shiftedSumsFloat(x, from, to, shift, sums, at);
        }
        for (int i = whole; i < n; i++) {
            float d = x[i] - shift;
            sums[at + REST] += d;
            sums[at + REST + 1] = Math.fma(d, d, sums[at + REST + 1]);
        }
    }

    /** Adds Σ dy and Σ dy·(x − mean) over [0, n) into the channel's sums at {@code sums[at]}. */
    public static void gradientSums(float[] dy, float[] x, int n, float mean, float[] sums, int at) {
        gradientSums(dy, x, n, mean, sums, at, Simd.available());
    }

    static void gradientSums(float[] dy, float[] x, int n, float mean, float[] sums, int at, boolean simd) {
        int whole = n / LANES * LANES;
        for (int from = 0; from < whole; from += BLOCK) {
            int to = Math.min(from + BLOCK, whole);
            if (simd) VectorChannelNorm.gradientSums(dy, x, from, to, mean, sums, at);
            else gradientSumsFloat(dy, x, from, to, mean, sums, at);
        }
        for (int i = whole; i < n; i++) {
            sums[at + REST] += dy[i];
            sums[at + REST + 1] = Math.fma(dy[i], x[i] - mean, sums[at + REST + 1]);
        }
    }

    /** The channel's first sum: its lanes in lane order, then its rest. */
    public static float first(float[] sums, int at) {
        return RowLoops.inOrder(sums, at) + sums[at + REST];
    }

    /** The channel's second sum (of squares, or of products). */
    public static float second(float[] sums, int at) {
        return RowLoops.inOrder(sums, at + SECOND) + sums[at + REST + 1];
    }

    /** In place over [0, n): {@code x = (x − mean)·scale + shift}, one rounding for the multiply-add. */
    public static void normalize(float[] x, int n, float mean, float scale, float shift) {
        if (Simd.available()) VectorChannelNorm.normalize(x, n, mean, scale, shift); else normalizeFloat(x, 0, n, mean, scale, shift);
    }

    /**
     * In place over [0, n): {@code dy = dy·scale + ((x − mean)·slope + offset)}, two multiply-adds: the input gradient
     * k·(dy − dβ/N − x̂·dγ/N) with k = γ·s, x̂ = (x − mean)·s, as slope −k·s·dγ/N and offset −k·dβ/N.
     */
    public static void inputGradient(float[] dy, float[] x, int n, float mean, float scale, float slope, float offset) {
        if (Simd.available()) VectorChannelNorm.inputGradient(dy, x, n, mean, scale, slope, offset);
        else inputGradientFloat(dy, x, 0, n, mean, scale, slope, offset);
    }

    /**
     * One block [from, to) of whole eights into the channel lanes. Each lane's four partial sums are local variables
     * taken lane by lane (no array per block): group g holds values from + 32·m + 8·g + l, and group 0 also the eights
     * past the last whole 32, as the SIMD twin's first accumulator does.
     */
    static void shiftedSumsFloat(float[] x, int from, int to, float shift, float[] sums, int at) {
        int quads = from + (to - from) / (4 * LANES) * (4 * LANES);
        for (int l = 0; l < LANES; l++) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            for (int i = from + l; i < quads; i += 4 * LANES) {
                float d0 = x[i] - shift, d1 = x[i + LANES] - shift, d2 = x[i + 2 * LANES] - shift, d3 = x[i + 3 * LANES] - shift;
                s0 += d0;
                s1 += d1;
                s2 += d2;
                s3 += d3;
                q0 = Math.fma(d0, d0, q0);
                q1 = Math.fma(d1, d1, q1);
                q2 = Math.fma(d2, d2, q2);
                q3 = Math.fma(d3, d3, q3);
            }
            for (int i = quads + l; i < to; i += LANES) {
                float d = x[i] - shift;
                s0 += d;
                q0 = Math.fma(d, d, q0);
            }
            sums[at + l] += (s0 + s1) + (s2 + s3);
            sums[at + SECOND + l] += (q0 + q1) + (q2 + q3);
        }
    }

    /** As {@link #shiftedSumsFloat}, for Σ dy and Σ dy·(x − mean). */
    static void gradientSumsFloat(float[] dy, float[] x, int from, int to, float mean, float[] sums, int at) {
        int quads = from + (to - from) / (4 * LANES) * (4 * LANES);
        for (int l = 0; l < LANES; l++) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
            for (int i = from + l; i < quads; i += 4 * LANES) {
                float g0 = dy[i], g1 = dy[i + LANES], g2 = dy[i + 2 * LANES], g3 = dy[i + 3 * LANES];
                s0 += g0;
                s1 += g1;
                s2 += g2;
                s3 += g3;
                p0 = Math.fma(g0, x[i] - mean, p0);
                p1 = Math.fma(g1, x[i + LANES] - mean, p1);
                p2 = Math.fma(g2, x[i + 2 * LANES] - mean, p2);
                p3 = Math.fma(g3, x[i + 3 * LANES] - mean, p3);
            }
            for (int i = quads + l; i < to; i += LANES) {
                s0 += dy[i];
                p0 = Math.fma(dy[i], x[i] - mean, p0);
            }
            sums[at + l] += (s0 + s1) + (s2 + s3);
            sums[at + SECOND + l] += (p0 + p1) + (p2 + p3);
        }
    }

    static void normalizeFloat(float[] x, int from, int to, float mean, float scale, float shift) {
        for (int i = from; i < to; i++) x[i] = Math.fma(x[i] - mean, scale, shift);
    }

    static void inputGradientFloat(float[] dy, float[] x, int from, int to, float mean, float scale, float slope, float offset) {
        for (int i = from; i < to; i++) dy[i] = Math.fma(dy[i], scale, Math.fma(x[i] - mean, slope, offset));
    }
}
