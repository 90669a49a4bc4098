package io.spindle.core.data.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolFileTest {
    @TempDir
    Path dir;

    @Test
    void ownerOnlyAndWhole() throws IOException {
        Path file = SpoolFile.write(dir.resolve("a.spool"), 5, out -> out.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), 0));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(5, Files.size(file));
        try (var entries = Files.list(dir)) {
            assertEquals(1, entries.count(), "no part file left");
        }
    }

    @Test
    void aDiskTooSmallFailsNamingTheDirectoryAndBytesAndLeavesNoFile() throws IOException {
        long tooMuch = Files.getFileStore(dir).getUsableSpace() + (1L << 40);
        IOException e = assertThrows(IOException.class, () -> SpoolFile.write(dir.resolve("b.spool"), tooMuch, out -> out.write(ByteBuffer.allocate(1), 0)));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()) && e.getMessage().contains(tooMuch + " bytes"), e.getMessage());
        try (var entries = Files.list(dir)) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void aFailedWriteLeavesNoPartialFile() throws IOException {
        assertThrows(IOException.class, () -> SpoolFile.write(dir.resolve("c.spool"), 10, out -> {
            out.write(ByteBuffer.allocate(4), 0);
            throw new IOException("the source broke off");
        }));
        assertThrows(IOException.class, () -> SpoolFile.write(dir.resolve("d.spool"), 10, out -> out.write(ByteBuffer.allocate(4), 0)),
                "a short file is not a spool");
        try (var entries = Files.list(dir)) {
            assertEquals(0, entries.count());
        }
        assertFalse(SpoolFile.exists(dir.resolve("c.spool")));
    }

    @Test
    void staleDirectoriesOfDeadProcessesGoOnTheNextStart() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path stale = Files.createDirectories(dir.resolve(SpoolDirectory.PREFIX + p.pid()));
        Files.write(stale.resolve("w0.spool"), new byte[10]);
        Path other = Files.createDirectories(dir.resolve("spindle-spool-notapid"));
        Path mine = SpoolDirectory.under(dir);
        assertFalse(Files.exists(stale), "a dead process's spool is removed");
        assertTrue(Files.exists(other), "only directories named for a process are touched");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)));
        assertEquals(mine, SpoolDirectory.under(dir));
        assertEquals(0, SpoolDirectory.removeStale(dir), "this process's own directory stays");
    }
}
