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
     * The sync of {@code plan} for this rank. Threads of one JVM reduce serially and whole (they share the cores, so
     * backward cannot hide anything); separate processes reduce the plan's buckets, overlapped with backward when the
     * plan says so, else after it (the same buckets, so the same bits either way).
     */
    public static GradientSync of(SyncPlan plan, Network net, Optimizer optimizer, Collective collective) {
        if (plan.mode() == SyncMode.AVERAGE) return new ParameterAveraging(net, optimizer, collective, plan.averagingFrequency());
        boolean sharded = sharded(plan.mode(), net, optimizer, collective);
        if (collective instanceof InJvmCollective inJvm) {
            GradientBuckets whole = GradientBuckets.whole(net.layout());   // in memory, a window's bits do not depend on the cut
            return sharded ? new InJvmShardedSync(inJvm, net, optimizer) : new AllReduceSync(net, optimizer, collective, whole);
        }
        GradientBuckets buckets = new GradientBuckets(net.layout(), plan.bucketBytes());
        if (plan.overlap() && collective.size() > 1) {
            return sharded ? new OverlappedShardedSync(collective, net, optimizer, buckets) : new OverlappedAllReduceSync(net, optimizer, collective, buckets);
        }
        return sharded ? new ShardedSync(collective, net, optimizer, buckets) : new AllReduceSync(net, optimizer, collective, buckets);
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
