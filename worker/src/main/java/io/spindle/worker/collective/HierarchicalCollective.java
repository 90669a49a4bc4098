package io.spindle.worker.collective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Ranks that share executor JVMs reduce among themselves in memory first, then one leader per executor runs the TCP
 * ring with the other leaders, then each group shares the result in memory again (Horovod's and NCCL's hierarchical
 * all-reduce): the network carries one copy of the buffer per executor instead of one per rank.
 *
 * <p>The sums are taken in another order than a flat ring's (each group's ranks first), so the bits differ from it
 * by float rounding: each leader scales its group's mean by {@code groupSize·groups/N} before the leaders' mean, so the
 * result is the sum over all ranks divided by N, to within a few units in the last place of float32 per element
 * (plus the wire format's rounding, as on the flat ring). Every rank ends with the same bits. The whole buffer is
 * each rank's shard, so a sharded optimizer runs replicated here.
 */
public final class HierarchicalCollective implements Collective {
    private final int rank;
    private final ExecutorGroups groups;
    private final Collective local;     // this executor's ranks, in memory
    private final Collective leaders;   // the leaders' ring; null on the other ranks

    public HierarchicalCollective(int rank, ExecutorGroups groups, Collective local, Collective leaders) {
        if ((groups.localIndex(rank) == 0) != (leaders != null)) {
            throw new IllegalArgumentException("rank " + rank + " needs the leaders' ring exactly when it leads its group");
        }
        this.rank = rank;
        this.groups = groups;
        this.local = local;
        this.leaders = leaders;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return groups.ranks();
    }

    @Override
    public void allReduceMean(INDArray buffer) {
        allReduceMean(buffer, 0, buffer.length());
    }

    @Override
    public void allReduceMean(INDArray buffer, long from, long to) {
        Collective.requireWindow(buffer.length(), from, to);
        local.allReduceMean(buffer, from, to);
        if (leaders != null) {
            INDArray window = Collective.window(buffer, from, to);
            int group = groups.groupOf(rank);
            double weight = (double) groups.groupSize(group) * groups.groups() / groups.ranks();
            if (weight != 1) window.muli(weight);   // the leaders' mean of these is the mean over every rank
            leaders.allReduceMean(buffer, from, to);
        }
        local.broadcast(from == 0 && to == buffer.length() ? buffer : Collective.window(buffer, from, to), 0);
    }

    @Override
    public void broadcast(INDArray buffer, int root) {
        if (root < 0 || root >= size()) throw new IllegalArgumentException("root must be in [0, " + size() + "), got " + root);
        int rootGroup = groups.groupOf(root);
        // The root's group first hands the buffer to its leader, the leaders pass it on, and each leader to its group.
        if (groups.groupOf(rank) == rootGroup && groups.localIndex(root) != 0) local.broadcast(buffer, groups.localIndex(root));
        if (leaders != null) leaders.broadcast(buffer, rootGroup);
        local.broadcast(buffer, 0);
    }

    @Override
    public void barrier() {
        local.barrier();
        if (leaders != null) leaders.barrier();
        local.barrier();
    }

    @Override
    public String toString() {
        StringBuilder sizes = new StringBuilder();
        for (int g = 0; g < groups.groups(); g++) sizes.append(g == 0 ? "" : "+").append(groups.groupSize(g));
        return "hierarchical (" + groups.groups() + " executors: " + sizes + " workers)";
    }

    /** The other hosts hear it through the leaders' ring; this host's ranks share the JVM and its fate. */
    @Override
    public void abandon(String reason) {
        if (leaders != null) leaders.abandon(reason);
    }

    @Override
    public void close() {
        try {
            local.close();
        } finally {
            if (leaders != null) leaders.close();
        }
    }
}
