package io.spindle.driver.cli;

import io.spindle.core.train.TrainingDivergedException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed run into one line for the user. A failed Spark stage carries the worker's
 * exception only as text inside its message ("...failure reason: ...\nclass: message\n\tat ..."),
 * so the worker's own class and message are dug out of it.
 */
final class FailureMessage {
    private static final Pattern WORKER_ERROR = Pattern.compile("^([\\w.$]+(?:Exception|Error)): (.*)$", Pattern.MULTILINE);

    private FailureMessage() {
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof TrainingDivergedException)) {
            root = root.getCause();
        }
        if (root instanceof TrainingDivergedException) return "training diverged: " + root.getMessage();
        String text = String.valueOf(root.getMessage());
        Matcher m = WORKER_ERROR.matcher(text);
        if (m.find()) {
            String cls = m.group(1);
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            return simple.equals("TrainingDivergedException") ? "training diverged: " + m.group(2)
                    : "training failed on a worker: " + simple + ": " + m.group(2);
        }
        return "training failed: " + root;
    }
}
