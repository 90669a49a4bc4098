package io.spindle.bench.scaling;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/** Minimises a function of a few variables without derivatives (Nelder-Mead simplex), for a bounded number of steps. */
final class NelderMead {
    private NelderMead() {
    }

    /** The best point found from {@code start}, with initial simplex steps of {@code step}, within {@code iterations}. */
    static double[] minimise(ToDoubleFunction<double[]> f, double[] start, double step, int iterations) {
        int n = start.length;
        double[][] simplex = new double[n + 1][];
        simplex[0] = start.clone();
        for (int i = 0; i < n; i++) {
            simplex[i + 1] = start.clone();
            simplex[i + 1][i] += step;
        }
        double[] values = Arrays.stream(simplex).mapToDouble(f).toArray();
        for (int it = 0; it < iterations; it++) {
            Integer[] order = sortedIndices(values);
            double[][] s = new double[n + 1][];
            double[] v = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                s[i] = simplex[order[i]];
                v[i] = values[order[i]];
            }
            simplex = s;
            values = v;
            double[] centroid = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    centroid[j] += simplex[i][j] / n;
                }
            }
            double[] reflected = along(centroid, simplex[n], -1);
            double fr = f.applyAsDouble(reflected);
            if (fr < values[0]) {
                double[] expanded = along(centroid, simplex[n], -2);
                double fe = f.applyAsDouble(expanded);
                replaceWorst(simplex, values, fe < fr ? expanded : reflected, Math.min(fe, fr));
            } else if (fr < values[n - 1]) {
                replaceWorst(simplex, values, reflected, fr);
            } else {
                double[] contracted = along(centroid, simplex[n], 0.5);
                double fc = f.applyAsDouble(contracted);
                if (fc < values[n]) {
                    replaceWorst(simplex, values, contracted, fc);
                } else {
                    for (int i = 1; i <= n; i++) {   // shrink towards the best point
                        simplex[i] = along(simplex[0], simplex[i], 0.5);
                        values[i] = f.applyAsDouble(simplex[i]);
                    }
                }
            }
        }
        int best = sortedIndices(values)[0];
        return simplex[best];
    }

    /** centroid + t · (point − centroid). */
    private static double[] along(double[] centroid, double[] point, double t) {
        double[] out = new double[centroid.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = centroid[j] + t * (point[j] - centroid[j]);
        }
        return out;
    }

    private static void replaceWorst(double[][] simplex, double[] values, double[] point, double value) {
        simplex[simplex.length - 1] = point;
        values[values.length - 1] = value;
    }

    private static Integer[] sortedIndices(double[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> values[i]));
        return idx;
    }
}
