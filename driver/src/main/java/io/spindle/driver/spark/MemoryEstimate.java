package io.spindle.driver.spark;

import io.spindle.core.model.GraphPlan;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Layer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.driver.job.JobConfig;

import java.util.Arrays;
import java.util.Locale;

/**
 * The native (off-heap) memory one worker needs, estimated from the job before anything is allocated:
 * parameters, gradients and optimizer state (flat float32 buffers), the collective's work buffers,
 * activations at the local batch (each layer's output and its gradient), the worker's shard as kept in memory
 * (none when spooled to disk) plus its batch copies, and a fixed allowance for libnd4j/OpenBLAS themselves.
 * Spark does not count any of this against the heap: it must fit in {@code spark.executor.memoryOverhead}.
 */
public record MemoryEstimate(long params, long grads, long optimizerState, long collective, long activations, long shard,
                             long runtime) {
    /** libnd4j, OpenBLAS and JavaCPP's own buffers, measured loosely on this build: a constant, not a model. */
    static final long RUNTIME_BYTES = 192L << 20;
    /** The JVM's own off-heap use (Netty, metaspace, threads): what Spark's default overhead floor covers. */
    static final long JVM_OFF_HEAP_BYTES = 384L << 20;

    public static MemoryEstimate of(JobConfig job, long trainRows) {
        return of(job, trainRows, job.data().cache().equals("disk"));
    }

    /** With the rows {@code spooled} to local disk, only the batch buffers count: the mapped pages are the page cache's. */
    public static MemoryEstimate of(JobConfig job, long trainRows, boolean spooled) {
        int workers = job.distributed().workers();
        int localBatch = job.training().batchSize() / workers;
        long p = Network.parameterCount(job.model());
        long rowValues = product(job.model().inputShape()) + 1;
        // The shard's rows as stored (data.storage), and its rows again in two float32 batch buffers.
        long shard = keptRows(job, trainRows, spooled) + 4 * 2L * localBatch * rowValues;
        return new MemoryEstimate(4 * p, 4 * p, 4 * p * job.optimizer().type().stateRows(), 4 * p * 2,
                activationBytes(job.model(), localBatch), shard, RUNTIME_BYTES);
    }

    /** The bytes one worker's shard keeps in memory: its features as data.storage stores them and float32 labels; none when spooled. */
    static long keptRows(JobConfig job, long trainRows, boolean spooled) {
        if (spooled) return 0;
        int workers = job.distributed().workers();
        long shardRows = (trainRows + workers - 1) / workers;
        return shardRows * (product(job.model().inputShape()) * job.data().storageEncoding().bytes() + 4);
    }

    /** Every layer (and merge) keeps its output and the gradient it hands back, each [batch, ...outputShape] float32. */
    static long activationBytes(ModelConfig model, int batch) {
        GraphPlan plan = model.plan();
        long values = 0;
        for (int p = 0; p < plan.order().size(); p++) {
            if (plan.order().get(p).layer() == null) {
                values += 2 * product(plan.outputShape(p));
                continue;
            }
            long[] shape = plan.inputShapes(p).get(0);
            for (Layer l : plan.order().get(p).layer().build(0)) {
                shape = l.outputShape(shape);
                values += 2 * product(shape);
            }
        }
        return 4L * batch * values;
    }

    private static long product(long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    public long total() {
        return params + grads + optimizerState + collective + activations + shard + runtime;
    }

    /** The {@code spark.executor.memoryOverhead} to set: the native estimate with 25% headroom plus the JVM's own off-heap. */
    public long recommendedOverhead() {
        long bytes = total() + total() / 4 + JVM_OFF_HEAP_BYTES;
        long mib = (bytes + (1 << 20) - 1) >> 20;
        return ((mib + 127) / 128 * 128) << 20;
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** One line for the console. */
    public String describe(int localBatch) {
        return String.format(Locale.ROOT, "native memory per worker (estimate): params %s, grads %s, optimizer %s, collective %s, "
                        + "activations %s at batch %d, shard %s, runtime %s = %s; recommended spark.executor.memoryOverhead=%dm",
                mib(params), mib(grads), mib(optimizerState), mib(collective), mib(activations), localBatch, mib(shard), mib(runtime),
                mib(total()), recommendedOverhead() >> 20);
    }
}
