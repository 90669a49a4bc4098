package io.spindle.core.optim;

import io.spindle.core.model.ParamLayout;

import java.util.List;

/**
 * The optimizers written out in plain Java doubles, one element at a time, straight from the
 * documented formulas; the native implementations are compared against it.
 */
final class ReferenceOptimizer {
    /** Two dense layers: W1 (5, regularized), b1 (2), W2 (3, regularized), b2 (1); 11 values. */
    static final ParamLayout LAYOUT = new ParamLayout(List.of(
            new ParamLayout.Block(0, "dense", "W", 0, 5, true),
            new ParamLayout.Block(0, "dense", "b", 5, 2, false),
            new ParamLayout.Block(1, "dense", "W", 7, 3, true),
            new ParamLayout.Block(1, "dense", "b", 10, 1, false)), 11);

    private final OptimizerConfig c;
    private final boolean[] regularized;
    private final double[] first;
    private final double[] second;
    private long t;

    ReferenceOptimizer(OptimizerConfig c, ParamLayout layout) {
        this.c = c;
        int n = (int) layout.size();
        regularized = new boolean[n];
        for (ParamLayout.Block b : layout.blocks()) {
            for (long i = b.offset(); i < b.offset() + b.length(); i++) regularized[(int) i] = b.regularized();
        }
        first = new double[n];
        second = new double[n];
    }

    void step(double[] p, double[] gradient) {
        int n = p.length;
        double[] g = gradient.clone();
        double lr = c.schedule().rate(t);
        for (int i = 0; i < n; i++) {
            if (regularized[i]) g[i] += c.l2() * p[i] + c.l1() * Math.signum(p[i]);
        }
        if (c.clipNorm() > 0) {
            double sq = 0;
            for (double x : g) sq += x * x;
            double norm = Math.sqrt(sq);
            if (norm > c.clipNorm()) {
                for (int i = 0; i < n; i++) g[i] *= c.clipNorm() / norm;
            }
        }
        for (int i = 0; i < n; i++) {
            if (regularized[i]) p[i] -= lr * c.weightDecay() * p[i];
        }
        double mu = c.momentum(), rho = c.rho(), b1 = c.beta1(), b2 = c.beta2(), eps = c.epsilon();
        for (int i = 0; i < n; i++) {
            switch (c.type()) {
                case SGD -> p[i] -= lr * g[i];
                case MOMENTUM -> {
                    first[i] = mu * first[i] - lr * g[i];
                    p[i] += first[i];
                }
                case NESTEROV -> {
                    first[i] = mu * first[i] - lr * g[i];
                    p[i] += mu * first[i] - lr * g[i];
                }
                case RMSPROP -> {
                    first[i] = rho * first[i] + (1 - rho) * g[i] * g[i];
                    p[i] -= lr * g[i] / Math.sqrt(first[i] + eps);
                }
                case ADAM, ADAMW -> {
                    first[i] = b1 * first[i] + (1 - b1) * g[i];
                    second[i] = b2 * second[i] + (1 - b2) * g[i] * g[i];
                    double alpha = lr * Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
                    p[i] -= alpha * first[i] / (Math.sqrt(second[i]) + eps);
                }
            }
        }
        t++;
    }

    /** The state in the documented layout: [] for sgd, [v] or [s], [m | v] for adam. */
    double[] state() {
        int n = first.length;
        return switch (c.type()) {
            case SGD -> new double[0];
            case MOMENTUM, NESTEROV, RMSPROP -> first.clone();
            case ADAM, ADAMW -> {
                double[] s = new double[2 * n];
                System.arraycopy(first, 0, s, 0, n);
                System.arraycopy(second, 0, s, n, n);
                yield s;
            }
        };
    }
}
