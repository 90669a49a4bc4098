package io.spindle.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * MSE, MAE and R² over every target value seen (multi-output targets are pooled into one R²).
 * Keeps sums rather than means so partial results from workers {@link #merge} exactly; target spread
 * is kept as (mean, M2) with Chan's update, because Σy² − (Σy)²/n cancels catastrophically when the
 * targets' mean is large compared with their spread.
 */
public final class RegressionMetrics {
    private long n;
    private double mean;
    private double m2;
    private double squaredError;
    private double absoluteError;

    /** Shapes: predictions and targets identical, any rank; accumulated in double precision. */
    public RegressionMetrics add(INDArray predictions, INDArray targets) {
        if (!Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException("predictions have shape " + Arrays.toString(predictions.shape())
                    + " but targets have shape " + Arrays.toString(targets.shape()) + "; they must match");
        }
        long count = targets.length();
        if (count == 0) return this;
        INDArray y = targets.castTo(DataType.DOUBLE);
        INDArray residual = y.sub(predictions.castTo(DataType.DOUBLE));
        double batchMean = y.meanNumber().doubleValue();
        INDArray centred = y.sub(batchMean);
        double batchM2 = centred.muli(centred).sumNumber().doubleValue();
        absoluteError += residual.norm1Number().doubleValue();
        squaredError += residual.muli(residual).sumNumber().doubleValue();
        combine(count, batchMean, batchM2);
        return this;
    }

    /** Adds {@code other}'s sums (a worker's partial result) into this one and returns this. */
    public RegressionMetrics merge(RegressionMetrics other) {
        squaredError += other.squaredError;
        absoluteError += other.absoluteError;
        combine(other.n, other.mean, other.m2);
        return this;
    }

    // Chan, Golub & LeVeque: the M2 of two groups is their M2s plus the spread between their means.
    private void combine(long count, double otherMean, double otherM2) {
        if (count == 0) return;
        long total = n + count;
        double delta = otherMean - mean;
        m2 += otherM2 + delta * delta * ((double) n * count / total);
        mean += delta * count / total;
        n = total;
    }

    /** The accumulated sums as {n, mean, M2, Σ(y−ŷ)², Σ|y−ŷ|}: how a worker ships its partial result. */
    public double[] toArray() {
        return new double[] {n, mean, m2, squaredError, absoluteError};
    }

    /** Rebuilds a partial result written by {@link #toArray()}. */
    public static RegressionMetrics fromArray(double[] sums) {
        if (sums.length != 5) throw new IllegalArgumentException("expected 5 sums, got " + sums.length);
        RegressionMetrics m = new RegressionMetrics();
        m.n = (long) sums[0];
        m.mean = sums[1];
        m.m2 = sums[2];
        m.squaredError = sums[3];
        m.absoluteError = sums[4];
        return m;
    }

    /** Number of target values seen. */
    public long count() {
        return n;
    }

    /** Mean squared error; NaN before anything was added. */
    public double mse() {
        return squaredError / n;
    }

    /** Mean absolute error; NaN before anything was added. */
    public double mae() {
        return absoluteError / n;
    }

    /**
     * 1 − SS_res / SS_tot; 1 for perfect predictions, 0 for always predicting the mean, negative when worse.
     * Constant targets (SS_tot = 0) give 1 if predicted exactly, else 0 (scikit-learn's finite choice).
     */
    public double r2() {
        if (n == 0) return Double.NaN;
        if (m2 == 0) return squaredError == 0 ? 1 : 0;
        return 1 - squaredError / m2;
    }

    @Override
    public String toString() {
        return String.format("mse %.6g, mae %.6g, r2 %.4f (%d values)", mse(), mae(), r2(), n);
    }
}
