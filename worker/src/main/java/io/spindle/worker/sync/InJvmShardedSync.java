package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.MeanFusingOptimizer;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.InJvmCollective;

import java.nio.ByteBuffer;

/**
 * The sharded step of ranks that are threads of one JVM. Where the shard's optimizer can average gradients in its own
 * pass (Adam), the reduce-scatter is only a rendezvous that hands it every rank's gradient shard: the mean is never
 * written to memory and read back, and that averaging counts as the update's time, not the collective's. Other
 * optimizers step on the reduce-scatter's mean, as across processes. Either way the bits are those of
 * {@link ShardedSync}.
 */
public final class InJvmShardedSync extends ShardedSync {
    private final InJvmCollective inJvm;
    private final MeanFusingOptimizer fused;   // null when the optimizer needs the mean in memory

    InJvmShardedSync(InJvmCollective collective, Network net, Optimizer whole) {
        super(collective, net, whole, GradientBuckets.whole(net.layout()));
        this.inJvm = collective;
        // Ranks may differ here (a shard's length decides too) and stay correct: either way each gets the mean's bits.
        this.fused = shardOptimizer instanceof MeanFusingOptimizer m && m.fusesMean() ? m : null;
    }

    /** Whether the update averages the ranks' gradients itself. */
    public boolean averagesInUpdate() {
        return fused != null;
    }

    @Override
    protected long reduceAndUpdateShard() {
        if (fused == null) return super.reduceAndUpdateShard();
        long start = System.nanoTime();
        ByteBuffer[] operands = inJvm.reduceScatterOperands(grads);
        long reduced = System.nanoTime() - start;
        fused.stepOnMean(paramShard, operands);
        return reduced;
    }
}
