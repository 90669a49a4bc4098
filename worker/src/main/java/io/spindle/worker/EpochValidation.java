package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.Network;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;

/**
 * Per-epoch validation where the rows already are: each rank evaluates its own part of the validation rows with the
 * epoch's final model, and the loss sums, correct counts and row counts are summed over the ranks. Only three figures
 * cross the network, and none of the rows go through the driver. Every rank calls it, a rank with no rows too.
 */
final class EpochValidation {
    private static final int BATCH = 512;
    private final Dataset rows;
    private final Network net;
    private final Loss loss;
    private final GlobalTotals totals;

    /** {@code rows}: this rank's part, which may be empty (null) when there are fewer rows than ranks. */
    EpochValidation(Dataset rows, Network net, Loss loss, GlobalTotals totals) {
        this.rows = rows;
        this.net = net;
        this.loss = loss;
        this.totals = totals;
    }

    /** {@code stats} with the validation loss and accuracy (NaN for regression) over every rank's rows. */
    EpochStats complete(EpochStats stats) {
        double[] mine = new double[3];
        if (rows != null) {
            Evaluation e = Evaluator.evaluate(net, loss, rows, BATCH);
            mine[0] = e.loss() * e.samples();
            mine[1] = e.confusion() == null ? 0 : e.confusion().correct();
            mine[2] = e.samples();
        }
        double[] global = totals.sum(mine);
        double n = global[2];
        return stats.withValidation(global[0] / n, loss.classification() ? global[1] / n : Double.NaN);
    }
}
