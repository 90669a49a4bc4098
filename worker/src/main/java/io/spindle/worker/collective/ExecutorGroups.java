package io.spindle.worker.collective;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ranks grouped by the executor JVM they run in (Spark's barrier task infos give each task its executor's
 * address), for the hierarchical all-reduce: groups in order of their lowest rank, which leads the group.
 */
public final class ExecutorGroups {
    private final int[] groupOf, localIndex;
    private final List<int[]> members;

    private ExecutorGroups(int[] groupOf, int[] localIndex, List<int[]> members) {
        this.groupOf = groupOf;
        this.localIndex = localIndex;
        this.members = members;
    }

    /** {@code executorOfRank[r]}: the executor rank r runs in (any string that is equal for ranks in one JVM). */
    public static ExecutorGroups of(String[] executorOfRank) {
        Map<String, List<Integer>> byExecutor = new LinkedHashMap<>();
        for (int r = 0; r < executorOfRank.length; r++) byExecutor.computeIfAbsent(executorOfRank[r], k -> new ArrayList<>()).add(r);
        int[] groupOf = new int[executorOfRank.length], localIndex = new int[executorOfRank.length];
        List<int[]> members = new ArrayList<>();
        for (List<Integer> ranks : byExecutor.values()) {   // first appearance = lowest rank: groups ordered by leader
            for (int i = 0; i < ranks.size(); i++) {
                groupOf[ranks.get(i)] = members.size();
                localIndex[ranks.get(i)] = i;
            }
            members.add(ranks.stream().mapToInt(Integer::intValue).toArray());
        }
        return new ExecutorGroups(groupOf, localIndex, List.copyOf(members));
    }

    /**
     * Whether every executor address ({@code host:port}, as Spark's barrier task infos give it) names one host. Ranks
     * that share one host's cores reduce over loopback, where a transfer is copies and additions on those cores with no
     * network wait for an overlapped step to hide behind.
     */
    public static boolean oneHost(String[] executorAddresses) {
        return java.util.Arrays.stream(executorAddresses).map(ExecutorGroups::host).distinct().count() <= 1;
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /** Whether some executor runs more than one rank: only then does a hierarchy save anything. */
    public boolean anyShared() {
        return members.size() < groupOf.length;
    }

    public int groups() {
        return members.size();
    }

    public int groupOf(int rank) {
        return groupOf[rank];
    }

    /** The rank's index inside its group; 0 for the group's leader. */
    public int localIndex(int rank) {
        return localIndex[rank];
    }

    public int groupSize(int group) {
        return members.get(group).length;
    }

    /** The lowest rank of the group, which joins the ring of leaders. */
    public int leader(int group) {
        return members.get(group)[0];
    }

    public int ranks() {
        return groupOf.length;
    }
}
