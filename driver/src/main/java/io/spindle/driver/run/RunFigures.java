package io.spindle.driver.run;

/**
 * How a distributed run went, for its summary: the workers, the share of step time they spent in the
 * collective (over the run, per epoch and per rank, all of the last attempt), the wall time, and the attempts
 * it took with the steps the failed ones had to redo, how the workers were connected ({@code collective}), and each
 * attempt's worker count ({@code workers} is the last: a run shrinks when lost executors are not replaced).
 */
public record RunFigures(int workers, double collectiveShare, double[] epochCollectiveShares,
                         double[] rankCollectiveShares, double seconds, int attempts, long stepsRedone, String collective,
                         int[] workersByAttempt) {
}
