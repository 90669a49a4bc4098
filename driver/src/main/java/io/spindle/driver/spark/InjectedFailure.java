package io.spindle.driver.spark;

import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.ForwardingCollective;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * For tests of automatic resume only: with the executor system property
 * {@code spindle.test.fail=RANK:STEP}, rank RANK of the first attempt fails at its STEP-th gradient
 * all-reduce or reduce-scatter (global step STEP in allreduce sync), the way a worker dies mid-step.
 * Unset, nothing is wrapped.
 */
final class InjectedFailure extends ForwardingCollective {
    static final String PROPERTY = "spindle.test.fail";
    private final long failAt;
    private long calls;

    private InjectedFailure(Collective inner, long failAt) {
        super(inner);
        this.failAt = failAt;
    }

    static Collective wrap(Collective c, int attempt) {
        String spec = System.getProperty(PROPERTY);
        if (spec == null || attempt != 1) return c;
        String[] parts = spec.split(":");
        return Integer.parseInt(parts[0]) == c.rank() ? new InjectedFailure(c, Long.parseLong(parts[1])) : c;
    }

    private void count() {
        if (++calls == failAt) throw new IllegalStateException("injected failure (" + PROPERTY + ") on rank " + rank() + " at step " + calls);
    }

    @Override
    public void allReduceMean(INDArray buffer) {
        count();
        inner.allReduceMean(buffer);
    }

    @Override
    public void reduceScatterMean(INDArray buffer) {
        count();
        inner.reduceScatterMean(buffer);
    }

    @Override
    public java.nio.ByteBuffer[] reduceScatterOperands(INDArray buffer) {
        count();
        return inner.reduceScatterOperands(buffer);
    }
}
