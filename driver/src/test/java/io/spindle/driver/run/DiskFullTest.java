package io.spindle.driver.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On a real, small tmpfs (needs root to mount; skipped otherwise): a full disk names the file and the bytes it needs. */
class DiskFullTest {

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    @Test
    void aFullDiskNamesTheFileAndTheBytesNeeded(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()), "cannot mount a tmpfs here (not root?)");
        try {
            Storage storage = Storage.withDefaults();
            String target = mount.resolve("run/model.spindle").toString();
            byte[] block = new byte[64 * 1024];
            IOException e = assertThrows(IOException.class, () -> storage.writeAtomically(target, out -> {
                for (int i = 0; i < 16; i++) out.write(block);
            }));
            assertTrue(e.getMessage().startsWith("cannot write " + target + ": its file system is full; it needs 1,048,576 bytes, ")
                    && e.getMessage().contains(" are free there"), e.getMessage());
            assertFalse(Files.exists(mount.resolve("run/model.spindle")), "no half file");
            try (var left = Files.list(mount.resolve("run"))) {
                assertEquals(0, left.count(), "no temp file left behind");
            }
            // What fits is written as before.
            storage.writeString(mount.resolve("run/small.txt").toString(), "fits");
            assertEquals("fits", Files.readString(mount.resolve("run/small.txt")));
        } finally {
            assertTrue(run("umount", mount.toString()) || run("umount", "-l", mount.toString()), "unmounted " + mount);
        }
    }
}
