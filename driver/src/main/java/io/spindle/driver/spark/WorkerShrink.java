package io.spindle.driver.spark;

import io.spindle.driver.job.JobConfig;
import org.apache.spark.SparkContext;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * After a failed attempt: when executors were lost and none replaces them within {@code checkpoint.replace_seconds},
 * the job goes on on the task slots that remain, with the largest worker count they hold that divides both the
 * virtual shards and the global batch. The global batch is kept (each worker takes a bigger local batch), so the
 * data order, and the result, stay those of the original count.
 */
final class WorkerShrink {
    private static final long POLL_MILLIS = 500, SETTLE_MILLIS = 2000;

    private WorkerShrink() {
    }

    /**
     * The job to retry with: {@code job} itself while its workers fit, else the same job on fewer workers that divide
     * {@code virtualShards}, the run's count.
     */
    static JobConfig afterFailure(JobConfig job, int virtualShards, SparkContext sc, Consumer<String> log) throws InterruptedException {
        int workers = job.distributed().workers();
        if (sc.isLocal() || !lostSlots(sc, workers)) return job;
        long waitMillis = job.checkpoint().replaceSeconds() * 1000L, start = System.currentTimeMillis();
        log.accept(String.format(Locale.ROOT, "executors lost: %d task slots for %d workers; waiting up to %d s (checkpoint.replace_seconds) for replacements",
                slots(sc), workers, job.checkpoint().replaceSeconds()));
        while (slots(sc) < workers && System.currentTimeMillis() - start < waitMillis) Thread.sleep(POLL_MILLIS);
        int slots = slots(sc);
        if (slots >= workers) return job;
        int fit = fit(slots, virtualShards, job.training().batchSize());
        if (fit < 1) return job;   // nothing runs on no slots: the retry fails with Spark's own message
        log.accept(String.format(Locale.ROOT, "no replacement within %d s: resuming on %d workers instead of %d (global batch %d, local batch %d)",
                job.checkpoint().replaceSeconds(), fit, workers, job.training().batchSize(), job.training().batchSize() / fit));
        return job.withWorkers(fit);
    }

    /** The largest worker count at most {@code slots} that divides both {@code virtualShards} and {@code batch}; 0 for no slots. */
    static int fit(int slots, int virtualShards, int batch) {
        for (int n = Math.min(slots, virtualShards); n >= 1; n--) if (virtualShards % n == 0 && batch % n == 0) return n;
        return 0;
    }

    /**
     * Whether the slots fell below {@code workers}. A peer's error can end the attempt a moment before the driver
     * hears that the executor is gone, so the count gets a short while to settle.
     */
    private static boolean lostSlots(SparkContext sc, int workers) throws InterruptedException {
        long settle = System.currentTimeMillis() + SETTLE_MILLIS;
        while (slots(sc) >= workers) {
            if (System.currentTimeMillis() >= settle) return false;
            Thread.sleep(POLL_MILLIS / 5);
        }
        return true;
    }

    /** The tasks that can run at once now: what Spark itself checks before it starts a barrier stage. */
    private static int slots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }
}
