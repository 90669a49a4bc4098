package io.spindle.core.kernel;

/**
 * The matrices of Winograd's minimal filtering F(m, r) (Lavin and Gray, 2015): m outputs of an r-tap correlation
 * y_i = Σ_k g_k·d_(i+k) from α = m + r − 1 inputs with α multiplications, y = Aᵀ[(G·g) ⊙ (Bᵀ·d)], and in 2-D
 * Y = Aᵀ[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A. Built by Toom-Cook from the interpolation points 0, 1, −1, 2, −2, ½, −½ (the first
 * α − 1 of them) and ∞: the correlation is the transpose of the linear convolution of m by r values, whose
 * coefficients are interpolated from the products of the two polynomials' values at the points. Bᵀ's row for a
 * point p is the coefficients of Π(x − q) over the other finite points q (and over all of them for ∞), the matching
 * row of G the powers of p divided by Π(p − q), so that Bᵀ and Aᵀ hold small integers or halves and the fractions sit
 * in the filter's transform. Matrices are row-major floats.
 */
public final class ToomCook {
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5};

    /** Outputs per tile, taps, and inputs per tile (m + r − 1). */
    public final int m, r, alpha;
    /** Aᵀ [m, α], its transpose A [α, m], G [α, r], its transpose Gᵀ [r, α], Bᵀ [α, α] and B [α, α]. */
    public final float[] at, a, g, gt, bt, b;

    public ToomCook(int m, int r) {
        if (m < 1 || r < 1 || m + r - 2 > POINTS.length) {
            throw new IllegalArgumentException("F(" + m + ", " + r + ") needs " + (m + r - 2) + " finite points; " + POINTS.length + " are defined");
        }
        this.m = m;
        this.r = r;
        this.alpha = m + r - 1;
        int finite = alpha - 1;
        double[][] atD = new double[m][alpha], gD = new double[alpha][r], btD = new double[alpha][alpha];
        for (int j = 0; j < finite; j++) {
            double p = POINTS[j], others = 1;
            for (int q = 0; q < finite; q++) {
                if (q != j) others *= p - POINTS[q];
            }
            for (int i = 0; i < m; i++) atD[i][j] = Math.pow(p, i);
            for (int k = 0; k < r; k++) gD[j][k] = Math.pow(p, k) / others;
            btD[j] = productOfFactors(j, finite, alpha);
        }
        atD[m - 1][finite] = 1;   // ∞: the leading coefficients
        gD[finite][r - 1] = 1;
        btD[finite] = productOfFactors(-1, finite, alpha);
        at = flat(atD);
        a = flat(transpose(atD));
        g = flat(gD);
        gt = flat(transpose(gD));
        bt = flat(btD);
        b = flat(transpose(btD));
    }

    /** The coefficients, lowest power first, of Π(x − p_q) over the first {@code finite} points but {@code skip}. */
    private static double[] productOfFactors(int skip, int finite, int length) {
        double[] c = new double[length];
        c[0] = 1;
        int degree = 0;
        for (int q = 0; q < finite; q++) {
            if (q == skip) continue;
            degree++;
            for (int k = degree; k >= 0; k--) c[k] = (k > 0 ? c[k - 1] : 0) - POINTS[q] * c[k];
        }
        return c;
    }

    private static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) t[j][i] = x[i][j];
        }
        return t;
    }

    private static float[] flat(double[][] x) {
        float[] f = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) f[i * x[0].length + j] = (float) x[i][j];
        }
        return f;
    }
}
