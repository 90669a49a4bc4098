package io.spindle.worker;

import io.spindle.core.train.EpochStats;
import io.spindle.worker.collective.Collective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * With early stopping, rank 0 heard the driver's decision; it is broadcast so that every rank stops at the same
 * epoch, or the collectives would desync.
 */
final class EarlyStopVote implements LoopHook {
    private final Collective collective;
    private final INDArray decision = Nd4j.zeros(DataType.FLOAT, 1);

    EarlyStopVote(Collective collective) {
        this.collective = collective;
    }

    @Override
    public boolean afterEpoch(EpochStats stats, EpochRun epoch, boolean go) {
        decision.putScalar(0, go ? 1 : 0);
        collective.broadcast(decision, 0);
        return decision.getFloat(0) != 0;
    }
}
