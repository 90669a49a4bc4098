package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import org.apache.spark.SparkConf;

import java.lang.management.ManagementFactory;

/**
 * Whether the workers' native memory ({@link MemoryEstimate}) fits where they will run, checked before
 * training so that a job dies with advice instead of an executor killed mid-run:
 * <ul>
 * <li>local mode: all workers share this JVM; their native buffers must fit under JavaCPP's off-heap cap
 *     ({@code org.bytedeco.javacpp.maxbytes}, by default the heap size) and in the physical memory the heap leaves;</li>
 * <li>YARN and Kubernetes kill a container whose off-heap use passes {@code spark.executor.memoryOverhead},
 *     so the estimate (plus the JVM's own off-heap) must fit in it;</li>
 * <li>everywhere, an executor's JavaCPP cap defaults to its heap ({@code spark.executor.memory}).</li>
 * </ul>
 */
final class ExecutorMemory {
    private ExecutorMemory() {
    }

    static void check(MemoryEstimate e, SparkConf conf, int workers) {
        String master = conf.get("spark.master", "local");
        boolean local = master.startsWith("local") && !master.startsWith("local-cluster");
        if (local) {
            // One libnd4j runtime, every worker's buffers.
            long need = workers * (e.total() - e.runtime()) + e.runtime();
            long cap = org.bytedeco.javacpp.Pointer.maxBytes();
            long physical = physicalBytes() - Runtime.getRuntime().maxMemory();
            if (cap > 0 && need > cap) {
                throw new ConfigException("model", MemoryEstimate.mib(need) + " of native memory for " + workers + " workers",
                        "at most " + MemoryEstimate.mib(cap) + ", JavaCPP's off-heap cap in this JVM: raise it with -Dorg.bytedeco.javacpp.maxbytes="
                                + ((need + need / 4) >> 20) + "m (or a larger -Xmx), or lower training.batch_size, training.workers or the model size");
            }
            if (physical > 0 && need > physical) {
                throw new ConfigException("model", MemoryEstimate.mib(need) + " of native memory for " + workers + " workers",
                        "at most " + MemoryEstimate.mib(physical) + ", the physical memory left beside this JVM's heap: lower training.batch_size, "
                                + "training.workers or the model size, or run on a cluster");
            }
            return;
        }
        long executorHeap = conf.getSizeAsBytes("spark.executor.memory", "1g");
        long perExecutor = Math.min(workers, Math.max(1, conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1)));
        long need = perExecutor * (e.total() - e.runtime()) + e.runtime();
        String javacppCap = conf.get("spark.executor.extraJavaOptions", "");
        if (!javacppCap.contains("javacpp.maxbytes") && need > executorHeap) {
            throw new ConfigException("spark.executor.memory", MemoryEstimate.mib(executorHeap), "at least " + MemoryEstimate.mib(need)
                    + ": JavaCPP caps an executor's native allocations at its heap size by default; raise spark.executor.memory or add "
                    + "-Dorg.bytedeco.javacpp.maxbytes=" + ((need + need / 4) >> 20) + "m to spark.executor.extraJavaOptions");
        }
        boolean enforced = master.startsWith("yarn") || master.startsWith("k8s");
        if (!enforced) return;
        long overhead = conf.contains("spark.executor.memoryOverhead")
                ? conf.getSizeAsMb("spark.executor.memoryOverhead", "384") << 20
                : Math.max(384L << 20, (long) (executorHeap * conf.getDouble("spark.executor.memoryOverheadFactor", 0.10)));
        long wanted = need + MemoryEstimate.JVM_OFF_HEAP_BYTES;
        if (wanted > overhead) {
            throw new ConfigException("spark.executor.memoryOverhead", MemoryEstimate.mib(overhead), "at least " + MemoryEstimate.mib(wanted)
                    + " (" + MemoryEstimate.mib(need) + " native for Spindle + " + MemoryEstimate.mib(MemoryEstimate.JVM_OFF_HEAP_BYTES)
                    + " for the JVM): " + master.replaceAll(":.*", "") + " kills executors that pass it; submit with --conf spark.executor.memoryOverhead="
                    + (e.recommendedOverhead() >> 20) + "m");
        }
    }

    private static long physicalBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
