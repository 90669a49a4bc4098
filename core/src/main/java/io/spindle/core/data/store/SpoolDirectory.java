package io.spindle.core.data.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * This process's spool files live in {@code <base>/spindle-spool-<pid>}, owner-only (rwx------). The directory goes when
 * the process exits normally; one left by a process that was killed is removed by the next process to open its base.
 */
public final class SpoolDirectory {
    static final String PREFIX = "spindle-spool-";
    private static final Object LOCK = new Object();
    private static final java.util.Set<Path> CREATED = new java.util.HashSet<>();

    private SpoolDirectory() {
    }

    /** This process's spool directory under {@code base} (a local path such as one of Spark's local dirs), created on first use. */
    public static Path under(Path base) throws IOException {
        Path dir = base.toAbsolutePath().resolve(PREFIX + ProcessHandle.current().pid());
        synchronized (LOCK) {
            if (Files.isDirectory(dir)) return dir;
            Files.createDirectories(base);
            removeStale(base);
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (CREATED.isEmpty()) Runtime.getRuntime().addShutdownHook(new Thread(SpoolDirectory::removeCreated, "spindle-spool-cleanup"));
            CREATED.add(dir);
            return dir;
        }
    }

    /** Removes the spool directories under {@code base} of processes that no longer run; returns how many. */
    public static int removeStale(Path base) throws IOException {
        int removed = 0;
        if (!Files.isDirectory(base)) return 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path d : entries) {
                Optional<ProcessHandle> owner = pidOf(d).flatMap(ProcessHandle::of);
                if (pidOf(d).isPresent() && (owner.isEmpty() || !owner.get().isAlive())) {
                    delete(d);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static Optional<Long> pidOf(Path dir) {
        try {
            return Optional.of(Long.parseLong(dir.getFileName().toString().substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Deletes a file or a directory tree; gone already is fine. */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void removeCreated() {
        synchronized (LOCK) {
            for (Path dir : CREATED) {
                try {
                    delete(dir);
                } catch (IOException e) {
                    // The next process to open this base removes it.
                }
            }
        }
    }
}
