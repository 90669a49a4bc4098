package io.spindle.core.metrics;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MSE, MAE and R² against hand-computed values, and merging partial results. */
class RegressionMetricsTest {
    // residuals y − ŷ = 0, 1, −1, 2 → SSres 6, Σ|r| 4; mean(y) = 3 → SStot 4 + 0 + 1 + 9 = 14.
    private static final double[] PRED = {1, 2, 3, 4};
    private static final double[] TARGET = {1, 3, 2, 6};

    private static INDArray col(double... v) {
        return Nd4j.create(v, new long[] {v.length, 1}, DataType.DOUBLE);
    }

    @Test
    void handComputedValues() {
        RegressionMetrics m = new RegressionMetrics().add(col(PRED), col(TARGET));
        assertEquals(4, m.count());
        assertEquals(6.0 / 4, m.mse(), 1e-15);
        assertEquals(4.0 / 4, m.mae(), 1e-15);
        assertEquals(1 - 6.0 / 14, m.r2(), 1e-15);
    }

    @Test
    void mergeOfTwoHalvesEqualsTheWhole() {
        RegressionMetrics first = new RegressionMetrics().add(col(1, 2), col(1, 3));
        RegressionMetrics second = new RegressionMetrics().add(col(3, 4), col(2, 6));
        RegressionMetrics merged = first.merge(second);
        assertEquals(6.0 / 4, merged.mse(), 1e-15);
        assertEquals(1.0, merged.mae(), 1e-15);
        assertEquals(1 - 6.0 / 14, merged.r2(), 1e-15);

        INDArray p = TestArrays.gaussian(1, DataType.FLOAT, 100, 3);
        INDArray y = TestArrays.gaussian(2, DataType.FLOAT, 100, 3).addi(5);
        RegressionMetrics whole = new RegressionMetrics().add(p, y);
        RegressionMetrics halves = new RegressionMetrics().add(p.getRows(rows(0, 37)), y.getRows(rows(0, 37)))
                .merge(new RegressionMetrics().add(p.getRows(rows(37, 100)), y.getRows(rows(37, 100))));
        assertEquals(whole.mse(), halves.mse(), 1e-12);
        assertEquals(whole.mae(), halves.mae(), 1e-12);
        assertEquals(whole.r2(), halves.r2(), 1e-12);
        assertEquals(300, halves.count());
    }

    @Test
    void perfectPredictionsScoreOneAndTheMeanScoresZero() {
        INDArray y = TestArrays.gaussian(3, DataType.DOUBLE, 50, 2);
        RegressionMetrics perfect = new RegressionMetrics().add(y.dup(), y);
        assertEquals(1.0, perfect.r2(), 0);
        assertEquals(0.0, perfect.mse(), 0);
        INDArray mean = Nd4j.zeros(DataType.DOUBLE, 50, 2).addi(y.meanNumber());
        assertEquals(0.0, new RegressionMetrics().add(mean, y).r2(), 1e-12);
    }

    @Test
    void largeOffsetTargetsKeepTheirR2() {
        // Σy² − (Σy)²/n would lose every digit here (Σy² ≈ 4e18); the (mean, M2) form does not.
        double off = 1e9;
        RegressionMetrics m = new RegressionMetrics()
                .add(col(off + 1, off + 2), col(off + 1, off + 3))
                .merge(new RegressionMetrics().add(col(off + 3, off + 4), col(off + 2, off + 6)));
        assertEquals(1 - 6.0 / 14, m.r2(), 1e-9);
    }

    @Test
    void constantTargetsAndEmptyAreDefined() {
        assertEquals(1.0, new RegressionMetrics().add(col(2, 2), col(2, 2)).r2(), 0);
        assertEquals(0.0, new RegressionMetrics().add(col(1, 3), col(2, 2)).r2(), 0);
        assertTrue(Double.isNaN(new RegressionMetrics().mse()));
        assertTrue(Double.isNaN(new RegressionMetrics().r2()));
    }

    @Test
    void shapesMustMatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RegressionMetrics().add(col(1, 2), Nd4j.create(new double[] {1, 2})));
        assertTrue(e.getMessage().contains("[2, 1]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    private static int[] rows(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
