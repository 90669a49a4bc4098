package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.worker.collective.Collective;

/**
 * Local SGD: each replica steps on its own gradient, and every {@code every} global steps (and at each epoch's end)
 * the replicas replace their parameters with the mean. Layer state (batch norm's statistics) is in the same buffer,
 * so it is averaged with them.
 */
public final class ParameterAveraging implements GradientSync {
    private final Network net;
    private final Optimizer optimizer;
    private final Collective collective;
    private final int every;

    public ParameterAveraging(Network net, Optimizer optimizer, Collective collective, int every) {
        if (every < 1) throw new IllegalArgumentException("averaging frequency must be >= 1, got " + every);
        this.net = net;
        this.optimizer = optimizer;
        this.collective = collective;
        this.every = every;
    }

    @Override
    public long update(StepPosition at) {
        optimizer.step(net.params(), net.grads());
        if ((at.globalStep() + 1) % every != 0 && !at.lastOfEpoch()) return 0;
        long start = System.nanoTime();
        collective.allReduceMean(net.params());
        return System.nanoTime() - start;
    }
}
