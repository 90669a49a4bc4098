package io.spindle.worker.collective;

/** The elements [from, to) of a flat buffer that one rank owns in a sharded step. */
public record Shard(long from, long to) {
    public Shard {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("a shard is [from, to) with 0 <= from <= to, got [" + from + ", " + to + ")");
        }
    }

    public long length() {
        return to - from;
    }
}
