package io.spindle.worker.collective;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a window [from, to) of a buffer into {@code parts} contiguous chunks whose lengths differ by at most one
 * (some are empty when the window is shorter than {@code parts}), and each chunk into pipelined pieces of at most
 * {@code pieceValues} values. Every rank computes the same split, so the receiver always knows how long the next
 * piece is. A window is cut on its own, so a bucket of a larger buffer spreads over every rank's link.
 */
final class Partition {

    /** A contiguous run of buffer elements: [offset, offset + length). */
    record Span(long offset, int length) {
        long end() {
            return offset + length;
        }
    }

    private final long from, length;
    private final int parts;
    private final int pieceValues;

    /** The chunks of a whole {@code n}-element buffer. */
    Partition(long n, int parts, int pieceValues) {
        this(0, n, parts, pieceValues);
    }

    private Partition(long from, long to, int parts, int pieceValues) {
        this.from = from;
        this.length = to - from;
        this.parts = parts;
        this.pieceValues = pieceValues;
    }

    /** The chunks of the window [from, to) of an {@code n}-element buffer, cut as if it were a buffer of its own. */
    static Partition window(long n, int parts, int pieceValues, long from, long to) {
        Collective.requireWindow(n, from, to);
        return new Partition(from, to, parts, pieceValues);
    }

    /** The chunk's pieces, in order. */
    List<Span> pieces(int chunk) {
        long start = start(chunk), end = start(chunk + 1);
        List<Span> pieces = new ArrayList<>((int) ((end - start + pieceValues - 1) / pieceValues));
        for (long at = start; at < end; at += pieceValues) {
            pieces.add(new Span(at, (int) Math.min(pieceValues, end - at)));
        }
        return pieces;
    }

    /** The whole of chunk {@code chunk}: the same for every piece size. */
    Shard chunk(int chunk) {
        return new Shard(start(chunk), start(chunk + 1));
    }

    private long start(int chunk) {
        return from + length * chunk / parts;   // length < 2^29 (see WorkBuffer), so this cannot overflow
    }
}
