package io.spindle.worker.collective;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets ranks that turn out to be threads of one JVM (Spark local mode runs every barrier task in
 * the driver) find each other and share an {@link InJvmCollective} instead of talking TCP to
 * themselves. Process-wide by nature: the registry is the meeting point, keyed by a job-unique id;
 * a group leaves it as soon as its last rank has joined.
 */
public final class InJvmRendezvous {
    private static final Map<String, Group> GROUPS = new ConcurrentHashMap<>();

    private record Group(List<Collective> ranks, AtomicInteger joined) {
    }

    private InJvmRendezvous() {
    }

    /** This thread's rank of the group {@code groupId} of {@code size} ranks, created by whichever rank comes first. */
    public static Collective join(String groupId, int rank, int size, CollectiveOptions options) {
        if (rank < 0 || rank >= size) throw new IllegalArgumentException("rank must be in [0, " + size + "), got " + rank);
        Group group = GROUPS.computeIfAbsent(groupId, id -> new Group(InJvmCollective.create(size, options), new AtomicInteger()));
        if (group.ranks().size() != size) {
            throw new CollectiveException("group " + groupId + " has " + group.ranks().size() + " ranks but rank " + rank + " expects " + size);
        }
        if (group.joined().incrementAndGet() == size) GROUPS.remove(groupId, group);
        return group.ranks().get(rank);
    }
}
