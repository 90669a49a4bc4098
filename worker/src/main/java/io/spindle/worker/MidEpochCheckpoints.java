package io.spindle.worker;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;

/**
 * Every {@code every} global steps inside an epoch, rank 0 reports a checkpoint: where to resume, the epoch's global
 * figures so far, the parameters and the whole optimizer state (every rank completes its shard of it first).
 * Epoch ends are checkpointed by the driver from the epoch's report.
 */
final class MidEpochCheckpoints implements LoopHook {
    private final int every;
    private final StepReporter reporter;
    private final GlobalTotals totals;
    private final GradientSync sync;
    private final Network net;
    private final Optimizer optimizer;

    MidEpochCheckpoints(int every, StepReporter reporter, GlobalTotals totals, GradientSync sync, Network net, Optimizer optimizer) {
        this.every = every;
        this.reporter = reporter;
        this.totals = totals;
        this.sync = sync;
        this.net = net;
        this.optimizer = optimizer;
    }

    @Override
    public void afterStep(StepPosition at, EpochRun epoch) {
        if (at.lastOfEpoch() || (at.globalStep() + 1) % every != 0) return;
        sync.awaitParameters();
        double[] sofar = totals.sum(epoch);
        sync.completeOptimizerState();
        if (reporter != StepReporter.NONE) {
            reporter.checkpoint(new StartPoint(at.epoch(), at.step() + 1, sofar), net.params(), optimizer.state(), optimizer.iteration());
        }
    }
}
