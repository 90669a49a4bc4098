package io.spindle.driver.job;

import io.spindle.core.config.ConfigException;
import org.apache.hadoop.fs.Path;

import java.nio.file.Paths;

/**
 * Checks {@code output.dir} before any work: a run writes its files and its lock there and, with
 * {@code --overwrite}, writes into whatever the directory holds, so an empty path, a file system's root
 * or the home directory is refused.
 */
public final class OutputDir {
    private static final String ALLOWED = "a directory of its own for this run, e.g. runs/NAME (--out DIR)";

    private OutputDir() {
    }

    public static String check(String dir) {
        if (dir == null || dir.isBlank()) throw new ConfigException("output.dir", dir == null ? "" : dir, ALLOWED);
        Path p;
        try {
            p = new Path(dir);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("output.dir", dir, ALLOWED + " (" + e.getMessage() + ")");
        }
        String scheme = p.toUri().getScheme();
        if (scheme == null || scheme.equals("file")) {
            java.nio.file.Path local = Paths.get(p.toUri().getPath()).toAbsolutePath().normalize();
            if (local.getParent() == null) throw new ConfigException("output.dir", dir, ALLOWED + ", not the file system's root");
            java.nio.file.Path home = Paths.get(System.getProperty("user.home")).toAbsolutePath().normalize();
            if (local.equals(home)) throw new ConfigException("output.dir", dir, ALLOWED + ", not the home directory");
        } else if (p.isRoot()) {
            throw new ConfigException("output.dir", dir, ALLOWED + ", not the file system's root");
        }
        return dir;
    }
}
