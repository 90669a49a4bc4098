package io.spindle.worker;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.StepPosition;

/**
 * Rank 0's reports to the driver: after each step the running loss and global throughput, after each epoch the
 * figures with the parameters and optimizer state (for the driver's validation and checkpoint), whose answer is
 * the driver's go or stop. Other ranks report nothing.
 */
final class ProgressReport implements LoopHook {
    private final StepReporter reporter;
    private final Network net;
    private final Optimizer optimizer;
    private final int ranks;
    private final boolean awaitsDecision;

    /** {@code awaitsDecision}: the plan stops on the driver's request; otherwise the reporter's answer is ignored. */
    ProgressReport(StepReporter reporter, Network net, Optimizer optimizer, int ranks, boolean awaitsDecision) {
        this.reporter = reporter;
        this.net = net;
        this.optimizer = optimizer;
        this.ranks = ranks;
        this.awaitsDecision = awaitsDecision;
    }

    @Override
    public void afterStep(StepPosition at, EpochRun epoch) {
        reporter.step(at.epoch(), at.step() + 1, at.stepsPerEpoch(), epoch.totals().meanLoss(), epoch.seenHere() * ranks / epoch.seconds());
    }

    @Override
    public boolean afterEpoch(EpochStats stats, EpochRun epoch, boolean go) {
        if (reporter == StepReporter.NONE) return go;
        boolean driverSaysGo = reporter.epochEnd(stats, epoch.syncSeconds(), net.params(), optimizer.state(), optimizer.iteration());
        return awaitsDecision ? driverSaysGo && go : go;
    }
}
