package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/**
 * The data-parallel part of the {@code training} section: how many workers, how they synchronise
 * ({@code allreduce} gradients every step, or {@code average} parameters every k steps), over which
 * transport (a TCP {@code ring} between executors, a {@code coordinator} star through the driver,
 * or shared memory ({@code in_jvm}) when all tasks are threads of one JVM; {@code auto} picks
 * {@code in_jvm} in Spark local mode and {@code ring} elsewhere), and the wire precision.
 */
public record DistributedConfig(int workers, String sync, int averagingFrequency, String transport,
                                String wireDtype, int timeoutSeconds) {
    public static final String[] FIELDS = {"workers", "sync", "averaging_frequency", "transport", "wire_dtype", "timeout_seconds"};
    public static final List<String> SYNC = List.of("allreduce", "average");
    public static final List<String> TRANSPORTS = List.of("auto", "ring", "coordinator", "in_jvm");
    public static final List<String> WIRE = List.of("float32", "float16", "bfloat16");

    public static DistributedConfig fromJson(ConfigNode training, int batchSize) {
        int workers = training.integer("workers", 1, 1, 4096);
        if (workers > batchSize) {
            int cores = Runtime.getRuntime().availableProcessors();
            int fit = 1;
            for (int k = 1; k <= Math.min(cores, batchSize); k++) if (batchSize % k == 0) fit = k;
            throw new ConfigException(training.field("workers"), workers, "at most training.batch_size (" + batchSize
                    + "), a divisor of it: each worker takes batch_size / workers rows per step; in Spark local mode each worker is a "
                    + "task slot of this machine (" + cores + " cores): e.g. training.workers=" + fit);
        }
        if (batchSize % workers != 0) {
            throw new ConfigException(training.field("batch_size"), batchSize,
                    "a multiple of training.workers (" + workers + "): each worker takes batch_size / workers rows per step; try "
                            + (batchSize / workers) * workers + " or " + ((batchSize / workers) + 1) * workers);
        }
        DistributedConfig d = defaults(workers);
        return new DistributedConfig(workers, training.choice("sync", d.sync, SYNC),
                training.integer("averaging_frequency", d.averagingFrequency, 1, 1_000_000),
                training.choice("transport", d.transport, TRANSPORTS), training.choice("wire_dtype", d.wireDtype, WIRE),
                training.integer("timeout_seconds", d.timeoutSeconds, 1, 86_400));
    }

    /** {@code workers} workers with every other field at its default (a job file that names only the worker count). */
    public static DistributedConfig defaults(int workers) {
        return new DistributedConfig(workers, "allreduce", 5, "auto", "float32", 120);
    }

    /** The transport actually used under {@code master}: resolves {@code auto}; {@code in_jvm} needs local mode. */
    public String transportFor(String master) {
        boolean local = master.startsWith("local") && !master.startsWith("local-cluster");
        if (transport.equals("auto")) return local ? "in_jvm" : "ring";
        if (transport.equals("in_jvm") && !local) {
            throw new ConfigException("training.transport", transport, "in_jvm only works in Spark local mode (master " + master
                    + "); use ring, or coordinator when executors cannot reach each other");
        }
        return transport;
    }

    public void writeTo(ObjectNode training) {
        training.put("workers", workers).put("sync", sync).put("averaging_frequency", averagingFrequency)
                .put("transport", transport).put("wire_dtype", wireDtype).put("timeout_seconds", timeoutSeconds);
    }
}
