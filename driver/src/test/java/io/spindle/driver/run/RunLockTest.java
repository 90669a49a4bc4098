package io.spindle.driver.run;

import io.spindle.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run-directory lock on the local file system: exclusive, naming its holder, released at the end, stale locks taken over. */
class RunLockTest {
    private final Storage storage = Storage.withDefaults();

    static void writeLock(Path dir, String host, long pid, Instant started) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RunLock.NAME), "{\"host\": \"" + host + "\", \"pid\": " + pid + ", \"started\": \"" + started
                + "\", \"token\": \"t\"}", StandardCharsets.UTF_8);
    }

    /** The pid of a process that has ended. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aSecondRunIsRefusedNamingTheHolderUntilTheFirstReleases(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (RunLock first = RunLock.acquire(storage, run.toString(), line -> { })) {
            assertTrue(Files.exists(run.resolve(RunLock.NAME)));
            ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(storage, run.toString(), line -> { }));
            assertTrue(e.getMessage().startsWith("output.dir") && e.getMessage().contains("is in use by the Spindle run of pid "
                    + ProcessHandle.current().pid() + " on host " + RunLock.hostName()) && e.getMessage().contains("delete "), e.getMessage());
        }
        assertFalse(Files.exists(run.resolve(RunLock.NAME)), "released at the end");
        RunLock.acquire(storage, run.toString(), line -> { }).close();
    }

    @Test
    void aLockWhoseProcessIsGoneIsTakenOverAndSaysSo(@TempDir Path dir) throws Exception {
        long pid = deadPid();
        writeLock(dir, RunLock.hostName(), pid, Instant.now().minusSeconds(60));
        List<String> log = new ArrayList<>();
        try (RunLock lock = RunLock.acquire(storage, dir.toString(), log::add)) {
            assertTrue(log.size() == 1 && log.get(0).contains("taking over the stale lock") && log.get(0).contains("pid " + pid + " on this host is gone"),
                    log.toString());
            assertTrue(Files.readString(dir.resolve(RunLock.NAME)).contains("\"pid\":" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void anotherHostsLockIsLiveWhileItIsRefreshedAndStaleAfter(@TempDir Path dir) throws Exception {
        writeLock(dir, "elsewhere.invalid", 4242, Instant.now());
        ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(storage, dir.toString(), line -> { }));
        assertTrue(e.getMessage().contains("pid 4242 on host elsewhere.invalid"), e.getMessage());

        Files.setLastModifiedTime(dir.resolve(RunLock.NAME), FileTime.fromMillis(System.currentTimeMillis() - RunLock.STALE_MILLIS - 60_000));
        List<String> log = new ArrayList<>();
        RunLock.acquire(storage, dir.toString(), log::add).close();
        assertTrue(log.get(0).contains("has not refreshed it for"), log.toString());
    }

    @Test
    void aLiveProcessOnThisHostHoldsItsLockHoweverOld(@TempDir Path dir) throws Exception {
        writeLock(dir, RunLock.hostName(), ProcessHandle.current().pid(), ProcessHandle.current().info().startInstant().orElseThrow());
        Files.setLastModifiedTime(dir.resolve(RunLock.NAME), FileTime.fromMillis(0));
        assertThrows(ConfigException.class, () -> RunLock.acquire(storage, dir.toString(), line -> { }));
    }
}
