package io.spindle.core.data.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * One spool file on local disk: owner-only (rw-------), written under a {@code .part} name and renamed when complete,
 * so a reader finds a whole file or none. The space is checked first; a write that fails anyway (the disk filled
 * meanwhile) says which directory needed how many bytes, and closing an uncommitted file removes its part file.
 */
public final class SpoolFile implements Closeable {
    private static final String PART = ".part";

    private final Path file, part;
    private final long length;
    private final FileChannel ch;
    private boolean committed;

    private SpoolFile(Path file, Path part, long length, FileChannel ch) {
        this.file = file;
        this.part = part;
        this.length = length;
        this.ch = ch;
    }

    /** Fills a spool file: every byte of [0, length) once, in any order. */
    @FunctionalInterface
    public interface Body {
        void writeTo(SpoolFile out) throws IOException;
    }

    /** Whether a complete spool file {@code file} is there (a part file is not). */
    public static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    /** Starts {@code file} of exactly {@code length} bytes; fails naming the directory and the bytes when they do not fit. */
    public static SpoolFile create(Path file, long length) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < length) throw full(dir, length, free, null);
        Path part = dir.resolve(file.getFileName() + PART);
        Files.deleteIfExists(part);
        FileChannel ch = FileChannel.open(part, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return new SpoolFile(file.toAbsolutePath(), part, length, ch);
    }

    /** Writes {@code file} through {@code body}; any failure leaves neither it nor its part file behind. */
    public static Path write(Path file, long length, Body body) throws IOException {
        try (SpoolFile out = create(file, length)) {
            body.writeTo(out);
            return out.commit();
        }
    }

    /** Writes all of {@code block} (its position to its limit) at byte {@code at} of the file. */
    public void write(ByteBuffer block, long at) throws IOException {
        long p = at;
        try {
            while (block.hasRemaining()) p += ch.write(block, p);
        } catch (IOException e) {
            if (isNoSpace(e)) throw full(part.getParent(), length, Files.getFileStore(part.getParent()).getUsableSpace(), e);
            throw e;
        }
    }

    /**
     * Writes the file through to the disk, checks the length and renames the part file to its final name. Forcing it
     * first is the atomic write's order (a renamed file is a whole one, also after a crash), and it leaves the pages a
     * worker then gathers from clean: the kernel writes back what the spool left dirty now, not while the epoch reads
     * the mapping, and under memory pressure it can drop them without a write.
     */
    public Path commit() throws IOException {
        ch.force(false);
        ch.close();
        long size = Files.size(part);
        if (size != length) throw new IOException(part + ": wrote " + size + " bytes, expected " + length);
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        return file;
    }

    /** Closes the file; one not committed is removed. */
    @Override
    public void close() throws IOException {
        ch.close();
        if (!committed) Files.deleteIfExists(part);
    }

    private static boolean isNoSpace(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left") || m.contains("Disk quota exceeded") || m.contains("File too large"));
    }

    private static IOException full(Path dir, long length, long free, IOException cause) {
        return new IOException("the spool directory " + dir + " has " + free + " bytes free, but the worker's rows need "
                + length + " bytes; free space there, point spark.local.dir at a larger disk, or use data.cache: memory", cause);
    }
}
