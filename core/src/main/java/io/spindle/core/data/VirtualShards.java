package io.spindle.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The training rows cut into {@code count} contiguous virtual shards, in the source's own row order. Worker k of
 * N owns virtual shards k, k+N, k+2N, … and reads only their row ranges (record ranges of an IDX file, partitions
 * of a DataFrame). A checkpoint is global because the shards do not depend on N: any N that divides
 * {@code count} sees the same shards, only grouped differently.
 */
public record VirtualShards(long rows, int count) {
    /** The default count: every power-of-two worker count up to 64 divides it. */
    public static final int DEFAULT_COUNT = 64;

    public VirtualShards {
        if (rows < 0) throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        if (count < 1) throw new IllegalArgumentException("the virtual shard count must be >= 1, got " + count);
    }

    /** One contiguous range of source rows, {@code [from, to)}. */
    public record Range(int shard, long from, long to) {
        public long size() {
            return to - from;
        }
    }

    /** Virtual shard {@code v}'s rows; shard sizes differ by at most one. */
    public Range range(int v) {
        if (v < 0 || v >= count) throw new IndexOutOfBoundsException("virtual shard " + v + " of " + count);
        return new Range(v, v * rows / count, (v + 1L) * rows / count);
    }

    /** The virtual shards worker {@code worker} of {@code workers} owns, in ascending order. */
    public List<Range> ownedBy(int worker, int workers) {
        if (workers < 1 || workers > count) {
            throw new IllegalArgumentException("workers must be in [1, " + count + "] for " + count + " virtual shards, got " + workers);
        }
        if (worker < 0 || worker >= workers) throw new IndexOutOfBoundsException("worker " + worker + " of " + workers);
        List<Range> owned = new ArrayList<>();
        for (int v = worker; v < count; v += workers) owned.add(range(v));
        return owned;
    }

    /** How many rows worker {@code worker} of {@code workers} owns. */
    public long rowsOf(int worker, int workers) {
        long n = 0;
        for (Range r : ownedBy(worker, workers)) n += r.size();
        return n;
    }
}
