package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.worker.SyncMode;
import io.spindle.worker.SyncPlan;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.InJvmCollective;

/**
 * Which {@link GradientSync} a plan runs. The answer is the same on every rank, which the collective calls that
 * follow rely on.
 */
public final class SyncChoice {
    private SyncChoice() {
    }

    /**
     * The sync of {@code plan} for this rank. Threads of one JVM reduce serially (they share the cores, so backward
     * cannot hide anything); separate processes overlap the reduction with backward when the plan has buckets.
     */
    public static GradientSync of(SyncPlan plan, Network net, Optimizer optimizer, Collective collective) {
        if (plan.mode() == SyncMode.AVERAGE) return new ParameterAveraging(net, optimizer, collective, plan.averagingFrequency());
        boolean sharded = sharded(plan.mode(), net, optimizer, collective);
        if (collective instanceof InJvmCollective inJvm) {
            return sharded ? new InJvmShardedSync(inJvm, net, optimizer) : new AllReduceSync(net, optimizer, collective);
        }
        if (plan.overlapped() && collective.size() > 1) {
            GradientBuckets buckets = new GradientBuckets(net.layout(), plan.bucketBytes());
            return sharded ? new OverlappedShardedSync(collective, net, optimizer, buckets) : new OverlappedAllReduceSync(net, optimizer, collective, buckets);
        }
        return sharded ? new ShardedSync(collective, net, optimizer) : new AllReduceSync(net, optimizer, collective);
    }

    /**
     * Whether the sync shards the update: not for parameter averaging, an optimizer that needs every gradient
     * (clipping by global norm), fewer parameters than ranks, or a collective whose shard is the whole buffer (one
     * rank, the coordinator), where the plain step is the same.
     */
    public static boolean sharded(SyncMode mode, Network net, Optimizer optimizer, Collective collective) {
        if (mode != SyncMode.ALLREDUCE || !optimizer.shardable() || net.numParams() < collective.size()) return false;
        return collective.shardOf(net.numParams()).length() != net.numParams();
    }
}
