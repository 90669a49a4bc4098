package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.train.TrainingDivergedException;
import io.spindle.driver.run.CheckpointStore;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a barrier-stage attempt failed, and whether another attempt can help: a lost executor or a
 * dead/silent peer can; a divergence, a bad config or the coordinator's own failure cannot.
 * A failed Spark stage carries the worker's exception only as text ("...\nclass: message\n\tat ...").
 */
public final class AttemptFailure {
    private static final Pattern WORKER_ERROR = Pattern.compile("^([\\w.$]+(?:Exception|Error)): (.*)$", Pattern.MULTILINE);

    private AttemptFailure() {
    }

    /** The driver's side failed (validation, a checkpoint write): not the workers' fault, not retried. */
    static final class CoordinatorFailed extends IllegalStateException {
        CoordinatorFailed(Throwable cause) {
            super("the coordinator failed: " + cause, cause);
        }
    }

    /** The stage ran, but the driver did not get all of rank 0's progress (a lost channel, a missed checkpoint): retried. */
    public static final class IncompleteProgress extends IllegalStateException {
        IncompleteProgress(String message) {
            super(message);
        }
    }

    static boolean retryable(RuntimeException e) {
        if (e instanceof CoordinatorFailed || e instanceof TrainingDivergedException || e instanceof ConfigException) return false;
        // An executor whose native library does not load fails the same way on every attempt.
        String worker = workerError(e);
        return worker == null || !(worker.startsWith("UnsatisfiedLinkError") || worker.startsWith("NoAvailableBackendException"));
    }

    /**
     * A worker's divergence becomes a {@link TrainingDivergedException} that also names the last good
     * checkpoint (kept for {@code train --resume}); other failures are returned as they are.
     */
    static RuntimeException explain(RuntimeException e, CheckpointStore store, Consumer<String> log) {
        String worker = workerError(e);
        String prefix = TrainingDivergedException.class.getSimpleName() + ": ";
        if (worker == null || !worker.startsWith(prefix)) return e;
        String kept = "";
        if (store != null) {
            try {
                CheckpointStore.Found found = store.latestGood(log);
                if (found != null) {
                    kept = "; the last good checkpoint is kept: " + found.path() + " (epoch " + found.checkpoint().epoch() + ", step "
                            + found.checkpoint().step() + "): fix the cause, then train --resume the run directory";
                }
            } catch (IOException io) {
                e.addSuppressed(io);
            }
        }
        TrainingDivergedException d = new TrainingDivergedException(worker.substring(prefix.length()) + kept);
        d.initCause(e);
        return d;
    }

    /** One line for the console: the worker's own exception when the text carries one. */
    static String summary(RuntimeException e) {
        String worker = workerError(e);
        if (worker != null) return worker;
        // No worker exception (a lost executor): Spark's own reason, from the deepest cause.
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return String.valueOf(root.getMessage()).lines().filter(l -> !l.isBlank()).findFirst().orElse(root.toString());
    }

    /** "SimpleClassName: message" of the worker exception inside a failed stage's text, or null. */
    public static String workerError(Throwable failure) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) chain.add(t);
        // The deepest cause carries the worker's text; outer wrappers only repeat or summarise it.
        for (int i = chain.size() - 1; i >= 0; i--) {
            Matcher m = WORKER_ERROR.matcher(String.valueOf(chain.get(i).getMessage()));
            if (m.find()) {
                String cls = m.group(1);
                return cls.substring(cls.lastIndexOf('.') + 1) + ": " + m.group(2);
            }
        }
        return null;
    }
}
