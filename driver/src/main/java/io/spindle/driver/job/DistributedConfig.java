package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/**
 * The data-parallel part of the {@code training} section: how many workers, how they synchronise
 * ({@code allreduce} gradients every step, or {@code average} parameters every k steps), over which
 * transport (a TCP {@code ring} between executors, a {@code coordinator} star through the driver,
 * shared memory ({@code in_jvm}) when all tasks are threads of one JVM, or {@code hierarchical}: in memory among
 * the tasks of one executor, a ring between executors; {@code auto} picks {@code in_jvm} in Spark local mode and
 * {@code hierarchical} elsewhere), the wire precision, and whether gradients are
 * reduced in buckets of {@code bucket_mib} while backward still runs, and a sharded step's parameters gathered while
 * the next forward runs ({@code overlap}, on by default; separate processes only: threads of one JVM share the cores).
 */
public record DistributedConfig(int workers, String sync, int averagingFrequency, String transport,
                                String wireDtype, int timeoutSeconds, boolean overlap, double bucketMib) {
    public static final String[] FIELDS = {"workers", "sync", "averaging_frequency", "transport", "wire_dtype", "timeout_seconds",
        "overlap", "bucket_mib"};
    public static final List<String> SYNC = io.spindle.worker.SyncMode.names();
    public static final List<String> TRANSPORTS = List.of("auto", "ring", "coordinator", "in_jvm", "hierarchical");
    public static final List<String> WIRE = List.of("float32", "float16", "bfloat16");

    /** {@code modelParams}: the model's parameter count, which a bucket may not exceed. */
    public static DistributedConfig fromJson(ConfigNode training, int batchSize, long modelParams) {
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
                training.integer("timeout_seconds", d.timeoutSeconds, 1, 86_400), training.bool("overlap", d.overlap),
                bucketMib(training, d.bucketMib, modelParams));
    }

    /**
     * A bucket holds more than nothing and at most the whole model; the default is capped at the model, so the
     * resolved job (written with every default) reads back the same.
     */
    private static double bucketMib(ConfigNode training, double dflt, long modelParams) {
        double modelMib = Math.max(modelParams, 1) * 4.0 / (1 << 20);
        double mib = training.number("bucket_mib", Math.min(dflt, modelMib), 0, true, 1024);
        if (mib > modelMib) {
            throw new ConfigException(training.field("bucket_mib"), mib, String.format(java.util.Locale.ROOT,
                    "at most the model's gradients, %.4f MiB (%d parameters): a bucket holds whole layers of the gradient buffer", modelMib, modelParams));
        }
        return mib;
    }

    /**
     * Worker k owns virtual shards k, k+N, …: every worker owns as many only when N divides their count, which
     * keeps the global batches the same for every such N (and a checkpoint resumable on any of them).
     */
    public void checkVirtualShards(int virtualShards) {
        if (virtualShards % workers == 0) return;
        List<Integer> fits = new java.util.ArrayList<>();
        for (int n = 1; n <= virtualShards; n++) if (virtualShards % n == 0) fits.add(n);
        throw new ConfigException("training.workers", workers, "a divisor of training.virtual_shards (" + virtualShards
                + "), so that every worker owns as many virtual shards: " + fits.toString().replaceAll("[\\[\\]]", "")
                + "; or set training.virtual_shards to a multiple of " + workers);
    }

    /** The size of one gradient bucket in bytes: the ring cuts each bucket into its own chunks, overlapped or not. */
    public long bucketBytes() {
        return Math.max(4, (long) (bucketMib * (1 << 20)));
    }

    /** The same settings on {@code count} workers (a run that shrank onto the task slots that remain). */
    public DistributedConfig withWorkers(int count) {
        return new DistributedConfig(count, sync, averagingFrequency, transport, wireDtype, timeoutSeconds, overlap, bucketMib);
    }

    /** {@code workers} workers with every other field at its default (a job file that names only the worker count). */
    public static DistributedConfig defaults(int workers) {
        return new DistributedConfig(workers, "allreduce", 5, "auto", "float32", 120, true, 2);
    }

    /**
     * The transport used under {@code master}: {@code auto} is {@code in_jvm} in local mode and {@code hierarchical}
     * on a cluster (which each stage resolves to the flat ring when no executor runs two workers); {@code in_jvm}
     * needs local mode.
     */
    public String transportFor(String master) {
        boolean local = master.startsWith("local") && !master.startsWith("local-cluster");
        if (transport.equals("auto")) return local ? "in_jvm" : "hierarchical";
        if (transport.equals("in_jvm") && !local) {
            throw new ConfigException("training.transport", transport, "in_jvm only works in Spark local mode (master " + master
                    + "); use ring, or coordinator when executors cannot reach each other");
        }
        return transport;
    }

    public void writeTo(ObjectNode training) {
        training.put("workers", workers).put("sync", sync).put("averaging_frequency", averagingFrequency)
                .put("transport", transport).put("wire_dtype", wireDtype).put("timeout_seconds", timeoutSeconds)
                .put("overlap", overlap).put("bucket_mib", bucketMib);
    }
}
