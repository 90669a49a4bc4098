package io.spindle.driver.cli;

import io.spindle.core.train.TrainingDivergedException;
import io.spindle.driver.spark.AttemptFailure;

/**
 * Turns a failed run into one line for the user. A failed Spark stage carries the worker's
 * exception only as text inside its message ("...failure reason: ...\nclass: message\n\tat ..."),
 * so the worker's own class and message are dug out of it.
 */
final class FailureMessage {
    private FailureMessage() {
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof TrainingDivergedException)) {
            root = root.getCause();
        }
        if (root instanceof TrainingDivergedException) return "training diverged: " + root.getMessage();
        if (String.valueOf(root.getMessage()).contains("SPARK-24819") || root.getClass().getSimpleName().contains("BarrierJobSlots")) {
            return "the cluster has fewer free task slots than training.workers: every worker is a task of one barrier stage and all "
                    + "start together; lower training.workers or give the job more executor cores (spark.executor.instances, "
                    + "--executor-cores, spark.cores.max)";
        }
        if (root instanceof AttemptFailure.IncompleteProgress) return "training failed: " + root.getMessage();
        String worker = AttemptFailure.workerError(root);
        if (worker == null) return "training failed: " + root;
        String diverged = TrainingDivergedException.class.getSimpleName() + ": ";
        return worker.startsWith(diverged) ? "training diverged: " + worker.substring(diverged.length())
                : "training failed on a worker: " + worker;
    }
}
