package io.spindle.driver.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run at a time in a run directory: {@code RUN_DIR/spindle.lock}, created atomically through the
 * Hadoop FileSystem API, names the driver's host and pid and is touched every {@link #HEARTBEAT_MILLIS}.
 * A second run is refused naming the holder; a lock whose process is gone (same host) or that nobody
 * touched for {@link #STALE_MILLIS} (another host) is stale and taken over. Closing removes it.
 */
public final class RunLock implements AutoCloseable {
    public static final String NAME = "spindle.lock";
    static final long HEARTBEAT_MILLIS = 30_000, STALE_MILLIS = 5 * 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Storage storage;
    private final String path;
    private final String token;
    private final ScheduledExecutorService heartbeat;
    private final Thread onShutdown;

    /** What a lock file says about its holder. */
    record Holder(String host, long pid, Instant started, String token) {
        String describe() {
            return "the Spindle run of pid " + pid + " on host " + host + " (started " + started + ")";
        }
    }

    private RunLock(Storage storage, String path, String token) {
        this.storage = storage;
        this.path = path;
        this.token = token;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spindle-run-lock");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::touch, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        // Ctrl-C ends the JVM without running finally blocks; the lock still goes.
        this.onShutdown = new Thread(this::release, "spindle-run-lock-release");
        Runtime.getRuntime().addShutdownHook(onShutdown);
    }

    /** Takes {@code dir}'s lock, creating the directory; {@code log} hears when a stale lock is taken over. */
    public static RunLock acquire(Storage storage, String dir, Consumer<String> log) throws IOException {
        storage.mkdirs(dir);
        String path = Storage.join(dir, NAME);
        Holder me = new Holder(hostName(), ProcessHandle.current().pid(), Instant.now(), UUID.randomUUID().toString());
        byte[] content = JSON.writeValueAsBytes(JSON.createObjectNode().put("host", me.host).put("pid", me.pid)
                .put("started", me.started.toString()).put("token", me.token));
        for (int tries = 0; tries < 3; tries++) {
            if (storage.createNew(path, content)) return new RunLock(storage, path, me.token);
            Optional<Holder> holder;
            long age;
            try {
                holder = read(storage, path);
                age = System.currentTimeMillis() - storage.modified(path);
            } catch (FileNotFoundException e) {
                continue;   // released meanwhile: try again
            }
            String stale = staleness(holder, age);
            if (stale == null) {
                throw new ConfigException("output.dir", dir + " is in use by " + holder.map(Holder::describe).orElse("another Spindle run")
                        + ": wait for it to end or train into another directory (--out DIR); if that run is gone, delete " + path);
            }
            try {
                // Re-read just before deleting: another driver may have taken the stale lock over meanwhile.
                if (!read(storage, path).equals(holder)) continue;
            } catch (FileNotFoundException e) {
                continue;
            }
            log.accept("spindle: taking over the stale lock " + path + " (" + stale + ")");
            storage.delete(path);
        }
        throw new ConfigException("output.dir", dir + ": could not take its lock " + path + " (other runs keep taking it)");
    }

    /** Null when the holder is alive, else why the lock is stale. */
    static String staleness(Optional<Holder> holder, long ageMillis) {
        if (holder.isPresent() && holder.get().host.equals(hostName())) {
            Holder h = holder.get();
            Optional<ProcessHandle> p = ProcessHandle.of(h.pid);
            Optional<Instant> start = p.flatMap(ph -> ph.info().startInstant());
            if (p.isEmpty() || !p.get().isAlive()) return "pid " + h.pid + " on this host is gone";
            // A pid the system reused started after the lock was written.
            if (start.isPresent() && start.get().isAfter(h.started.plusSeconds(1))) return "pid " + h.pid + " is now another process";
            return null;
        }
        if (ageMillis > STALE_MILLIS) {
            return "its holder has not refreshed it for " + ageMillis / 1000 + " s" + holder.map(h -> " (" + h.describe() + ")").orElse("");
        }
        return null;
    }

    private static Optional<Holder> read(Storage storage, String path) throws IOException {
        try (InputStream in = storage.open(path)) {
            JsonNode n = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Optional.of(new Holder(n.get("host").asText(), n.get("pid").asLong(), Instant.parse(n.get("started").asText()),
                    n.get("token").asText()));
        } catch (FileNotFoundException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // half-written or not ours: judged by its age alone
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void touch() {
        try {
            storage.touch(path);
        } catch (IOException | RuntimeException ignored) {
            // the next heartbeat tries again; a lock untouched for STALE_MILLIS is only taken from another host
        }
    }

    /** Removes the lock if it is still this run's. */
    private synchronized void release() {
        heartbeat.shutdownNow();
        try {
            Optional<Holder> h = read(storage, path);
            if (h.isPresent() && h.get().token.equals(token)) storage.delete(path);
        } catch (IOException | RuntimeException ignored) {
            // gone already, or the file system is: nothing left to release
        }
    }

    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(onShutdown);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down: the hook runs (harmlessly) anyway
        }
    }
}
