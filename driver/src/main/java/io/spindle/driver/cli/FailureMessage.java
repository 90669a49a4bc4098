package io.spindle.driver.cli;

import io.spindle.core.train.TrainingDivergedException;
import io.spindle.driver.spark.AttemptFailure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed run into one line for the user. A failed Spark stage carries the worker's
 * exception only as text inside its message ("...failure reason: ...\nclass: message\n\tat ..."),
 * so the worker's own class and message are dug out of it.
 */
final class FailureMessage {
    private FailureMessage() {
    }

    /** Spark's FAILED_READ_FILE ("Encountered error while reading file PATH.") and Parquet's footer errors name the file. */
    private static final Pattern READING = Pattern.compile("(?:while reading file|Could not read footer for file:? (?:FileStatus\\{path=)?)\\s*(\\S+?)[.;,]?(?:\\s|$)");
    private static final Pattern NOT_PARQUET = Pattern.compile("(\\S+) is not a Parquet file");
    /** Where a failed task ran, from Spark's "Lost task 1.0 in stage 3.0 (TID 7) (HOST executor ID)". */
    private static final Pattern LOST_TASK = Pattern.compile("Lost task \\S+ in stage \\S+ \\(TID \\d+\\) \\(([^)]*)\\)");

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof TrainingDivergedException)) {
            root = root.getCause();
        }
        String unreadable = unreadableFile(failure, root);
        if (unreadable != null) return unreadable;
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

    /** A data file that could not be read: the file, where (when a task read it), and the reader's own words; else null. */
    private static String unreadableFile(Throwable failure, Throwable root) {
        String file = null, where = null;
        for (Throwable t = failure; t != null && file == null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            Matcher lost = LOST_TASK.matcher(m);
            if (where == null && lost.find()) where = lost.group(1);
            Matcher reading = READING.matcher(m), notParquet = NOT_PARQUET.matcher(m);
            if (reading.find()) file = reading.group(1);
            else if (notParquet.find()) file = notParquet.group(1);
        }
        if (file == null) return null;
        String reason = root.getClass().getSimpleName() + ": " + root.getMessage();
        return "could not read the data file " + file + (where == null ? "" : " (a task on " + where + ")") + ": it is damaged or not "
                + "the format it claims; " + reason.lines().findFirst().orElse(reason);
    }
}
