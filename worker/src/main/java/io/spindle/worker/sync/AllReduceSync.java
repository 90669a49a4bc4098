package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.worker.collective.Collective;

/** Every replica all-reduces the whole gradient to its mean and runs the whole optimizer on it. */
public final class AllReduceSync implements GradientSync {
    private final Network net;
    private final Optimizer optimizer;
    private final Collective collective;

    public AllReduceSync(Network net, Optimizer optimizer, Collective collective) {
        this.net = net;
        this.optimizer = optimizer;
        this.collective = collective;
    }

    @Override
    public long update(StepPosition at) {
        long start = System.nanoTime();
        collective.allReduceMean(net.grads());
        long reduced = System.nanoTime() - start;
        optimizer.step(net.params(), net.grads());
        return reduced;
    }
}
