package io.spindle.driver.run;

import io.spindle.core.config.ConfigException;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a run directory holds before a run starts. A Spindle run directory has a {@code job.json}; a
 * non-empty directory without one is someone else's and is refused unless {@code --overwrite} says to
 * write into it anyway. A new run into an earlier run's directory replaces that run, and says so.
 */
public final class RunDirectory {
    private final Storage storage;
    private final String dir;

    public RunDirectory(Storage storage, String dir) {
        this.storage = storage;
        this.dir = dir;
    }

    /** Throws (naming {@code output.dir}) when a new run ({@code resume} false) may not write here. */
    public void checkUsable(boolean resume, boolean overwrite, Consumer<String> log) throws IOException {
        List<String> entries;
        try {
            entries = storage.entries(dir).stream().filter(n -> !n.equals(RunLock.NAME)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("output.dir", dir, "a directory (" + e.getMessage() + ")");
        }
        if (resume || entries.isEmpty()) return;
        if (entries.contains("job.json")) {
            log.accept("spindle: " + dir + " holds an earlier run; this run replaces it (its checkpoints are deleted)");
        } else if (!overwrite) {
            String some = String.join(", ", entries.subList(0, Math.min(3, entries.size()))) + (entries.size() > 3 ? ", ..." : "");
            throw new ConfigException("output.dir", dir + " is not empty (" + some + ") and is not a Spindle run directory (it has no "
                    + "job.json): choose a new or empty directory (--out DIR), or pass --overwrite to write this run's files into it");
        } else {
            log.accept("spindle: --overwrite: writing this run's files into " + dir + ", which holds other files");
        }
    }
}
