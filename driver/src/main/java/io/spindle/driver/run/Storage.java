package io.spindle.driver.run;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files through the Hadoop FileSystem API, so every path may be a local path or any Hadoop URI
 * ({@code file://}, {@code hdfs://}, {@code s3a://}). Writes are atomic: a temp file beside the
 * target, then a rename, so a reader never sees half a file.
 */
public final class Storage {
    private final Configuration conf;

    /** Something that writes one file's bytes. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public Storage(Configuration conf) {
        this.conf = conf;
    }

    public static Storage withDefaults() {
        return new Storage(new Configuration());
    }

    public Configuration conf() {
        return conf;
    }

    private FileSystem fs(Path p) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        // The checksummed local FS would leave a .crc file beside every output; our formats carry their own.
        return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** {@code uri} made absolute with its scheme ({@code data/x.csv} → {@code file:/cwd/data/x.csv}), so another JVM finds it. */
    public String qualify(String uri) throws IOException {
        if (uri == null) return null;
        Path p = new Path(uri);
        return p.getFileSystem(conf).makeQualified(p).toString();
    }

    public boolean exists(String uri) throws IOException {
        Path p = new Path(uri);
        return fs(p).exists(p);
    }

    public boolean isDirectory(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = fs(p);
        return fs.exists(p) && fs.getFileStatus(p).isDirectory();
    }

    /** The file's length in bytes. */
    public long length(String uri) throws IOException {
        Path p = new Path(uri);
        return fs(p).getFileStatus(p).getLen();
    }

    public InputStream open(String uri) throws IOException {
        Path p = new Path(uri);
        try {
            return fs(p).open(p);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(uri + " does not exist");
        }
    }

    /** The file from byte {@code offset} on: a reader of one split of it reads from there, not from the start. */
    public InputStream openAt(String uri, long offset) throws IOException {
        FSDataInputStream in = (FSDataInputStream) open(uri);
        try {
            in.seek(offset);
            return in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    public void mkdirs(String uri) throws IOException {
        Path p = new Path(uri);
        fs(p).mkdirs(p);
    }

    /** The names of the files directly in directory {@code uri}; empty when it does not exist. */
    public java.util.List<String> list(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = fs(p);
        if (!fs.exists(p)) return java.util.List.of();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(p)) {
            if (s.isFile()) names.add(s.getPath().getName());
        }
        return names;
    }

    /** The names of every entry (files and directories) directly in directory {@code uri}; empty when it does not exist. */
    public java.util.List<String> entries(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = fs(p);
        if (!fs.exists(p)) return java.util.List.of();
        if (!fs.getFileStatus(p).isDirectory()) throw new IOException(uri + " is a file, not a directory");
        return java.util.Arrays.stream(fs.listStatus(p)).map(s -> s.getPath().getName()).toList();
    }

    /**
     * Creates {@code uri} holding {@code content} only if nothing is there, atomically (O_EXCL on a local disk,
     * a create without overwrite on HDFS); false when it already exists.
     */
    public boolean createNew(String uri, byte[] content) throws IOException {
        Path target = new Path(uri);
        FileSystem fs = fs(target);
        try {
            if (fs instanceof RawLocalFileSystem local) {
                Files.write(local.pathToFile(target).toPath(), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            }
            try (FSDataOutputStream out = fs.create(target, false)) {
                out.write(content);
                out.hsync();
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    /** When {@code uri} was last written or {@link #touch touched}, in epoch milliseconds. */
    public long modified(String uri) throws IOException {
        Path p = new Path(uri);
        return fs(p).getFileStatus(p).getModificationTime();
    }

    /** Sets {@code uri}'s modification time to now (a heartbeat others can see). */
    public void touch(String uri) throws IOException {
        Path p = new Path(uri);
        fs(p).setTimes(p, System.currentTimeMillis(), -1);
    }

    public void delete(String uri) throws IOException {
        Path p = new Path(uri);
        fs(p).delete(p, false);
    }

    /**
     * Writes {@code uri} via a temp file and a rename; on failure the target is untouched and the temp file removed.
     * A full disk is reported with the file and the bytes it needs.
     */
    public void writeAtomically(String uri, Writer writer) throws IOException {
        try {
            write(uri, writer);
        } catch (IOException e) {
            if (!DiskFull.is(e)) throw e;
            throw DiskFull.explain(uri, writer, free(uri), e);
        }
    }

    /** Bytes free where {@code uri} would be written, or -1 when unknown. */
    private long free(String uri) {
        try {
            Path p = new Path(uri);
            FileSystem fs = fs(p);
            if (fs instanceof RawLocalFileSystem local) {
                java.nio.file.Path dir = local.pathToFile(p).toPath().toAbsolutePath().getParent();
                return Files.getFileStore(dir).getUsableSpace();
            }
            return fs.getStatus(p).getRemaining();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void write(String uri, Writer writer) throws IOException {
        Path target = new Path(uri);
        FileSystem fs = fs(target);
        if (fs instanceof RawLocalFileSystem local) {
            writeLocally(local.pathToFile(target).toPath(), writer);
            return;
        }
        if (target.getParent() != null) fs.mkdirs(target.getParent());
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                writer.write(out);
                out.hsync();
            }
            // FileContext's OVERWRITE rename replaces the target atomically on HDFS and on local disks alike;
            // FileSystem.rename would refuse an existing target on HDFS.
            org.apache.hadoop.fs.FileContext.getFileContext(target.toUri(), conf)
                    .rename(tmp, target, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
        } finally {
            if (fs.exists(tmp)) fs.delete(tmp, false);
        }
    }

    /**
     * The same on a local disk through java.nio: Hadoop's local file system forks a {@code chmod} for
     * every file it creates and a {@code stat} for the rename (without Hadoop's native library), which
     * at every checkpoint took a core from the training threads.
     */
    private static void writeLocally(java.nio.file.Path target, Writer writer) throws IOException {
        java.nio.file.Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        java.nio.file.Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public void writeString(String uri, String text) throws IOException {
        writeAtomically(uri, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Joins a directory URI and a file name. */
    public static String join(String dir, String name) {
        return new Path(dir, name).toString();
    }
}
