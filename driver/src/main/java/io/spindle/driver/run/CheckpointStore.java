package io.spindle.driver.run;

import io.spindle.core.io.Checkpoint;
import io.spindle.core.io.CheckpointFile;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * RUN_DIR/checkpoints on any Hadoop URI: {@code ckpt-<global step, 12 digits>.spindle}, each written
 * atomically (temp file, then rename) and checksummed; only the newest {@code keep} stay. Resuming
 * takes the newest one that reads back intact and says which damaged ones it skipped.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("ckpt-\\d{12}\\.spindle");
    private final Storage storage;
    private final String dir;
    private final int keep;

    /** A checkpoint and where it was read from. */
    public record Found(String path, Checkpoint checkpoint) {
    }

    public CheckpointStore(Storage storage, String runDir, int keep) {
        this.storage = storage;
        this.dir = Storage.join(runDir, "checkpoints");
        this.keep = keep;
    }

    public String dir() {
        return dir;
    }

    /** Writes {@code c} and drops the oldest beyond {@code keep}; returns its path. */
    public String save(Checkpoint c) throws IOException {
        String path = Storage.join(dir, String.format("ckpt-%012d.spindle", c.globalStep()));
        storage.writeAtomically(path, out -> CheckpointFile.write(c, out));
        List<String> names = checkpointNames();
        for (int i = 0; i < names.size() - keep; i++) storage.delete(Storage.join(dir, names.get(i)));
        return path;
    }

    /** The newest intact checkpoint, or null when there is none; {@code skipped} hears about each damaged one. */
    public Found latestGood(Consumer<String> skipped) throws IOException {
        List<String> names = checkpointNames();
        for (int i = names.size() - 1; i >= 0; i--) {
            String path = Storage.join(dir, names.get(i));
            try (InputStream in = storage.open(path)) {
                return new Found(path, CheckpointFile.read(in, path));
            } catch (io.spindle.core.io.ModelFileException e) {
                skipped.accept("skipping a damaged checkpoint: " + e.getMessage());
            }
        }
        return null;
    }

    /**
     * Deletes the checkpoints after global step {@code step} (all of them for -1): a fresh run must not resume
     * into an older run's checkpoints, and a resumed one drops the damaged ones it skipped.
     */
    public void discardAfter(long step) throws IOException {
        for (String n : checkpointNames()) {
            if (Long.parseLong(n.substring(5, 17)) > step) storage.delete(Storage.join(dir, n));
        }
    }

    /** Deletes temp files a writer killed mid-write left behind (a finished write never leaves one). */
    public void removeTempFiles() throws IOException {
        for (String n : storage.list(dir)) {
            if (n.startsWith(".") && n.endsWith(".tmp")) storage.delete(Storage.join(dir, n));
        }
    }

    /** Checkpoint file names, oldest first (the zero-padded step sorts as text). */
    private List<String> checkpointNames() throws IOException {
        return storage.list(dir).stream().filter(n -> NAME.matcher(n).matches()).sorted(Comparator.naturalOrder()).toList();
    }
}
