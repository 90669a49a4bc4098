package io.spindle.bench.scaling;

/**
 * Least squares with every coefficient ≥ 0, for a handful of coefficients: it solves the normal equations on
 * every subset of free coefficients (the rest held at zero) and keeps the feasible solution with the least
 * residual, which is the exact optimum of a convex problem this small.
 */
final class NonNegativeLeastSquares {
    private NonNegativeLeastSquares() {
    }

    static double[] solve(double[][] rawX, double[] y) {
        int k = rawX[0].length;
        // Columns scaled to a largest magnitude of 1, so that coefficients of very different units stay solvable.
        double[] scale = new double[k];
        for (double[] row : rawX) {
            for (int j = 0; j < k; j++) {
                scale[j] = Math.max(scale[j], Math.abs(row[j]));
            }
        }
        double[][] x = new double[rawX.length][k];
        for (int i = 0; i < rawX.length; i++) {
            for (int j = 0; j < k; j++) {
                x[i][j] = scale[j] == 0 ? 0 : rawX[i][j] / scale[j];
            }
        }
        double[] best = new double[k];
        double bestResidual = residual(x, y, best);
        for (int mask = 1; mask < (1 << k); mask++) {
            double[] theta = solveSubset(x, y, mask);
            if (theta == null) {
                continue;
            }
            double r = residual(x, y, theta);
            if (r < bestResidual) {
                bestResidual = r;
                best = theta;
            }
        }
        for (int j = 0; j < k; j++) {
            best[j] = scale[j] == 0 ? 0 : best[j] / scale[j];
        }
        return best;
    }

    /** The unconstrained fit on the coefficients in {@code mask}, or null if singular or any is negative. */
    private static double[] solveSubset(double[][] x, double[] y, int mask) {
        int k = x[0].length;
        int[] cols = java.util.stream.IntStream.range(0, k).filter(j -> (mask & (1 << j)) != 0).toArray();
        int m = cols.length;
        double[][] a = new double[m][m + 1];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                for (double[] row : x) {
                    a[r][c] += row[cols[r]] * row[cols[c]];
                }
            }
            for (int i = 0; i < x.length; i++) {
                a[r][m] += x[i][cols[r]] * y[i];
            }
        }
        double[] sub = gauss(a);
        if (sub == null) {
            return null;
        }
        double[] theta = new double[k];
        for (int j = 0; j < m; j++) {
            if (sub[j] < 0) {
                return null;
            }
            theta[cols[j]] = sub[j];
        }
        return theta;
    }

    /** Solves the augmented system in place with partial pivoting; null if (near) singular. */
    private static double[] gauss(double[][] a) {
        int m = a.length;
        for (int c = 0; c < m; c++) {
            int pivot = c;
            for (int r = c + 1; r < m; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][c]) < 1e-12) {   // the columns are scaled to at most 1
                return null;
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < m; r++) {
                if (r != c) {
                    double f = a[r][c] / a[c][c];
                    for (int j = c; j <= m; j++) {
                        a[r][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[] out = new double[m];
        for (int r = 0; r < m; r++) {
            out[r] = a[r][m] / a[r][r];
        }
        return out;
    }

    private static double residual(double[][] x, double[] y, double[] theta) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double e = y[i];
            for (int j = 0; j < theta.length; j++) {
                e -= x[i][j] * theta[j];
            }
            sum += e * e;
        }
        return sum;
    }
}
