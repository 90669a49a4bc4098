package io.spindle.worker;

import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.InJvmCollective;
import io.spindle.worker.sync.SyncChoice;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Ranks that are threads of one JVM (Spark local mode, {@link io.spindle.worker.collective.InJvmCollective}) can
 * train one parameter buffer instead of a copy each. In a sharded step every rank updates only its own shard, between the reduce-scatter's rendezvous (all ranks are done
 * reading the parameters) and the all-gather's (nobody reads them again before every shard is updated), so with one
 * buffer the all-gather needs no copying: it saves a cross-core copy of the parameters every step, and N-1 copies of
 * them in memory. The bits are the same as with copies.
 *
 * <p>Only where that holds: the sharded step (an {@code allreduce} plan and a shardable optimizer, see
 * {@link SyncChoice#sharded}), and no layer state in the parameter buffer (batch norm's running statistics are each
 * rank's own). In {@code average} mode, or with an optimizer that updates every parameter on every rank, ranks
 * would write the same memory at once.
 */
public final class SharedParameters {
    private SharedParameters() {
    }

    /**
     * The network this rank should train: {@code net} itself, or, where the ranks can share, one over the group's
     * shared buffer holding rank 0's parameters, built with the same seed as {@code net} (its layers' dropout seeds
     * come from it). Every rank must call this at the same point: it ends with a barrier when the ranks share.
     */
    public static Network adopt(Network net, long seed, Optimizer optimizer, TrainingPlan plan, Collective collective) {
        if (!(collective instanceof InJvmCollective inJvm) || collective.size() == 1
                || !SyncChoice.sharded(plan.sync().mode(), net, optimizer, collective) || !new LayerState(net.layout()).isEmpty()) {
            return net;   // ranks in separate processes, alone, or each updating what the others need (the same answer on every rank)
        }
        INDArray shared = inJvm.sharedBuffer(net.params().dataType(), net.numParams());
        if (collective.rank() == 0) shared.assign(net.params());
        collective.barrier();   // no rank reads the buffer before rank 0 has filled it
        return Network.withParams(net.config(), shared, seed);
    }
}
