package io.spindle.core.train;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;

/** The sync of a single process: there is no one to agree with, so the optimizer steps on the gradient as it is. */
public final class LocalUpdate implements GradientSync {
    private final Network net;
    private final Optimizer optimizer;

    public LocalUpdate(Network net, Optimizer optimizer) {
        this.net = net;
        this.optimizer = optimizer;
    }

    @Override
    public long update(StepPosition at) {
        optimizer.step(net.params(), net.grads());
        return 0;
    }
}
