package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.worker.collective.Collective;

/**
 * {@link AllReduceSync} with the all-reduce overlapped with backward: each bucket of gradients is all-reduced on a
 * communication thread as soon as backward has finished it, and the optimizer waits only for the last bucket. The
 * same bits as the serial step; what is reported is the communication backward did not hide.
 */
public final class OverlappedAllReduceSync implements GradientSync {
    private final Network net;
    private final Optimizer optimizer;
    private final BucketedReduction buckets;

    public OverlappedAllReduceSync(Network net, Optimizer optimizer, Collective collective, GradientBuckets buckets) {
        this.net = net;
        this.optimizer = optimizer;
        this.buckets = new BucketedReduction(buckets, (from, to) -> collective.allReduceMean(net.grads(), from, to),
                "spindle-buckets-r" + collective.rank());
    }

    @Override
    public void gradientsReadyFrom(long offset) {
        buckets.readyFrom(offset);
    }

    @Override
    public long update(StepPosition at) {
        long waited = buckets.finish();
        optimizer.step(net.params(), net.grads());
        return waited;
    }

    @Override
    public void close() {
        buckets.close();
    }
}
