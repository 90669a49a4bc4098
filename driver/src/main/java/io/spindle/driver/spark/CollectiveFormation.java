package io.spindle.driver.spark;

import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.CoordinatorAllReduce;
import io.spindle.worker.collective.ExecutorGroups;
import io.spindle.worker.collective.HierarchicalCollective;
import io.spindle.worker.collective.InJvmRendezvous;
import io.spindle.worker.collective.RingAllReduce;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Forms one barrier task's collective with its peers: addresses are exchanged through the barrier's
 * {@code allGather}, which every task calls exactly once whatever the transport. Which ranks share an executor JVM
 * comes from the barrier task infos (each names its executor's address), not from the master URL.
 */
final class CollectiveFormation {
    private CollectiveFormation() {
    }

    static Collective open(BarrierTaskContext ctx, StageSpec spec) {
        int rank = ctx.partitionId();
        int size = ctx.getTaskInfos().length;
        CollectiveOptions options = spec.collective();
        return switch (spec.transport()) {
            case COORDINATOR -> CoordinatorAllReduce.connect(spec.coordinatorAddress(), rank, size, options);
            // Local mode: every task is a thread of this JVM; the job's secret and the attempt name the group.
            case IN_JVM -> InJvmRendezvous.join(groupKey(ctx, options), rank, size, options);
            case RING -> ring(ctx, rank, options);
            case HIERARCHICAL -> hierarchical(ctx, rank, options);
        };
    }

    private static Collective ring(BarrierTaskContext ctx, int rank, CollectiveOptions options) {
        RingAllReduce.Endpoint endpoint = RingAllReduce.listen(rank, bindAddress(ctx, rank));
        // allGather returns the messages ordered by partition id, i.e. by rank.
        String[] addresses = ctx.allGather(endpoint.address());
        return RingAllReduce.connect(endpoint, Arrays.asList(addresses), options);
    }

    /** In-memory groups per executor and a ring of their leaders; the flat ring when no executor runs two ranks. */
    private static Collective hierarchical(BarrierTaskContext ctx, int rank, CollectiveOptions options) {
        ExecutorGroups groups = ExecutorGroups.of(Arrays.stream(ctx.getTaskInfos()).map(BarrierTaskInfo::address).toArray(String[]::new));
        if (!groups.anyShared()) return ring(ctx, rank, options);   // the same answer on every rank
        int group = groups.groupOf(rank);
        Collective local = InJvmRendezvous.join(groupKey(ctx, options) + "/executor-" + group, groups.localIndex(rank),
                groups.groupSize(group), options);
        try {
            boolean leads = groups.localIndex(rank) == 0;
            RingAllReduce.Endpoint endpoint = leads ? RingAllReduce.listen(group, bindAddress(ctx, rank)) : null;
            String[] all = ctx.allGather(leads ? endpoint.address() : "");
            Collective leaders = null;
            if (leads) {
                List<String> ring = IntStream.range(0, groups.groups()).mapToObj(g -> all[groups.leader(g)]).toList();
                leaders = RingAllReduce.connect(endpoint, ring, options);
            }
            return new HierarchicalCollective(rank, groups, local, leaders);
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    private static String groupKey(BarrierTaskContext ctx, CollectiveOptions options) {
        return HexFormat.of().formatHex(options.secret()) + "/" + ctx.stageAttemptNumber();
    }

    /** The address Spark knows this executor by: the one its peers can reach. */
    private static InetAddress bindAddress(BarrierTaskContext ctx, int rank) {
        String host = ctx.getTaskInfos()[rank].address();
        if (host.contains(":")) host = host.substring(0, host.lastIndexOf(':'));
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
