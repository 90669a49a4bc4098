package io.spindle.driver.spark;

import io.spindle.core.train.StepPosition;
import io.spindle.worker.EpochRun;
import io.spindle.worker.LoopHook;

/**
 * For tests of automatic resume only: with the executor system property {@code spindle.test.fail=RANK:STEP},
 * rank RANK of the first attempt fails at its STEP-th step (STEP >= 2; once the one before is done), the way a worker
 * dies mid-training. Unset, there is no such hook.
 */
final class InjectedFailure implements LoopHook {
    static final String PROPERTY = "spindle.test.fail";
    private final int rank;
    private final long failAfter;
    private long steps;

    private InjectedFailure(int rank, long failAfter) {
        this.rank = rank;
        this.failAfter = failAfter;
    }

    /** The hook the property asks for on this rank and attempt, or null. */
    static InjectedFailure forRank(int rank, int attempt) {
        String spec = System.getProperty(PROPERTY);
        if (spec == null || attempt != 1) return null;
        String[] parts = spec.split(":");
        long step = Long.parseLong(parts[1]);
        if (step < 2) throw new IllegalArgumentException(PROPERTY + " needs a STEP >= 2, got " + spec);
        // The STEP-th step fails before its sync: the rank has completed STEP - 1 steps.
        return Integer.parseInt(parts[0]) == rank ? new InjectedFailure(rank, step - 1) : null;
    }

    @Override
    public void afterStep(StepPosition at, EpochRun epoch) {
        if (++steps == failAfter) {
            throw new IllegalStateException("injected failure (" + PROPERTY + ") on rank " + rank + " at step " + (steps + 1));
        }
    }
}
