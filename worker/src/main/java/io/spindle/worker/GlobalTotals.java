package io.spindle.worker;

import io.spindle.worker.collective.Collective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The epoch's figures so far summed over ranks in rank order, on every rank. Each rank's totals travel by
 * broadcast, which is always exact float32: a 16-bit wire format would overflow a sum of 60,000 losses.
 */
final class GlobalTotals {
    private final Collective collective;
    private final INDArray totals = Nd4j.zeros(DataType.FLOAT, 3);

    GlobalTotals(Collective collective) {
        this.collective = collective;
    }

    /** {loss sum, correct, seen} over all ranks; every rank must call it at the same point. */
    double[] sum(EpochRun epoch) {
        return sum(epoch.totals().toArray());
    }

    /** Three figures of this rank's (a sum of losses, a count of correct rows, a count of rows) summed over all ranks. */
    double[] sum(double[] mine) {
        double[] global = new double[3];
        for (int r = 0; r < collective.size(); r++) {
            if (r == collective.rank()) totals.putScalar(0, mine[0]).putScalar(1, mine[1]).putScalar(2, mine[2]);
            collective.broadcast(totals, r);
            for (int i = 0; i < 3; i++) global[i] += totals.getDouble(i);
        }
        return global;
    }
}
