package io.spindle.driver.spark;

import io.spindle.core.train.StepPosition;
import io.spindle.worker.EpochRun;
import io.spindle.worker.LoopHook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For tests of automatic resume only: with the executor system property {@code spindle.test.fail=RANK:STEP},
 * rank RANK of the first attempt fails at its STEP-th step (STEP >= 2; once the one before is done), the way a worker
 * dies mid-training. {@code RANK:STEP:spool} also deletes the rank's spool file as it fails, as when the executor is
 * replaced by one on another disk: the next attempt must read the rank's partition again. Unset, there is no such hook.
 */
final class InjectedFailure implements LoopHook {
    static final String PROPERTY = "spindle.test.fail";
    private final int rank;
    private final long failAfter;
    private final String spoolToLose;
    private long steps;

    private InjectedFailure(int rank, long failAfter, String spoolToLose) {
        this.rank = rank;
        this.failAfter = failAfter;
        this.spoolToLose = spoolToLose;
    }

    /** The hook the property asks for on this rank and attempt, or null; {@code spool} is the rank's spool file (null in memory). */
    static InjectedFailure forRank(int rank, int attempt, String spool) {
        String spec = System.getProperty(PROPERTY);
        if (spec == null || attempt != 1) return null;
        String[] parts = spec.split(":");
        long step = Long.parseLong(parts[1]);
        if (step < 2) throw new IllegalArgumentException(PROPERTY + " needs a STEP >= 2, got " + spec);
        // The STEP-th step fails before its sync: the rank has completed STEP - 1 steps.
        boolean loseSpool = parts.length > 2 && parts[2].equals("spool");
        if (loseSpool && spool == null) throw new IllegalArgumentException(PROPERTY + " = " + spec + " needs data.cache: disk");
        return Integer.parseInt(parts[0]) == rank ? new InjectedFailure(rank, step - 1, loseSpool ? spool : null) : null;
    }

    @Override
    public void afterStep(StepPosition at, EpochRun epoch) {
        if (++steps == failAfter) {
            String lost = "";
            if (spoolToLose != null) {
                try {
                    // Its mapping stays readable until this attempt ends; the file is gone for the next one.
                    Files.delete(Path.of(spoolToLose));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                lost = "; its spool file " + spoolToLose + " is deleted";
            }
            throw new IllegalStateException("injected failure (" + PROPERTY + ") on rank " + rank + " at step " + (steps + 1) + lost);
        }
    }
}
