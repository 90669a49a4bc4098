package io.spindle.worker.sync;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.GradientSync;
import io.spindle.worker.SyncMode;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.InJvmCollective;

/**
 * Which {@link GradientSync} a plan runs. The answer is the same on every rank, which the collective calls that
 * follow rely on.
 */
public final class SyncChoice {
    private SyncChoice() {
    }

    public static GradientSync of(SyncMode mode, int averagingFrequency, Network net, Optimizer optimizer, Collective collective) {
        if (mode == SyncMode.AVERAGE) return new ParameterAveraging(net, optimizer, collective, averagingFrequency);
        if (!sharded(mode, net, optimizer, collective)) return new AllReduceSync(net, optimizer, collective);
        if (collective instanceof InJvmCollective inJvm) return new InJvmShardedSync(inJvm, net, optimizer);
        return new ShardedSync(collective, net, optimizer);
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
