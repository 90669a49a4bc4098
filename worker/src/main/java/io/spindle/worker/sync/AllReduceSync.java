package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.worker.collective.Collective;

import java.util.List;

/**
 * Every replica all-reduces the whole gradient to its mean, bucket by bucket once backward is done, and runs the whole
 * optimizer on it. The buckets are those the overlapped step reduces during backward, so both give the same bits.
 */
public final class AllReduceSync implements GradientSync {
    private final Network net;
    private final Optimizer optimizer;
    private final Collective collective;
    private final List<GradientBuckets.Bucket> buckets;

    public AllReduceSync(Network net, Optimizer optimizer, Collective collective, GradientBuckets buckets) {
        this.net = net;
        this.optimizer = optimizer;
        this.collective = collective;
        this.buckets = buckets.inBackwardOrder();
    }

    @Override
    public long update(StepPosition at) {
        long start = System.nanoTime();
        for (GradientBuckets.Bucket b : buckets) collective.allReduceMean(net.grads(), b.from(), b.to());
        long reduced = System.nanoTime() - start;
        optimizer.step(net.params(), net.grads());
        return reduced;
    }
}
