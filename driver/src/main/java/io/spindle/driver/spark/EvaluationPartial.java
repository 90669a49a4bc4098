package io.spindle.driver.spark;

/** One partition's share of an evaluation: loss sum, row count and either confusion counts or regression sums. */
public final class EvaluationPartial {
    double lossSum;
    long rows;
    long[][] confusion;
    double[] regression;

    EvaluationPartial() {
    }

    EvaluationPartial(double lossSum, long rows, long[][] confusion, double[] regression) {
        this.lossSum = lossSum;
        this.rows = rows;
        this.confusion = confusion;
        this.regression = regression;
    }
}
