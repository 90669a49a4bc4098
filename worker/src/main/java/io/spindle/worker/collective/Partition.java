package io.spindle.worker.collective;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits [0, n) into {@code parts} contiguous chunks whose lengths differ by at most one (some are empty
 * when n < parts), and each chunk into pipelined pieces of at most {@code pieceValues} values. Every
 * rank computes the same split, so the receiver always knows how long the next piece is.
 */
final class Partition {

    /** A contiguous run of buffer elements: [offset, offset + length). */
    record Span(long offset, int length) {
        long end() {
            return offset + length;
        }
    }

    private final long n;
    private final int parts;
    private final int pieceValues;
    private final long windowFrom, windowTo;

    Partition(long n, int parts, int pieceValues) {
        this(n, parts, pieceValues, 0, n);
    }

    private Partition(long n, int parts, int pieceValues, long windowFrom, long windowTo) {
        this.n = n;
        this.parts = parts;
        this.pieceValues = pieceValues;
        this.windowFrom = windowFrom;
        this.windowTo = windowTo;
    }

    /**
     * The chunks of all of [0, n), but only their parts inside [from, to): a bucket of a larger buffer keeps the
     * chunk every element has in the whole buffer, so a ring reduces it in the same order and gives the same bits.
     */
    static Partition window(long n, int parts, int pieceValues, long from, long to) {
        if (from < 0 || to > n || from > to) {
            throw new IllegalArgumentException("a window must lie within [0, " + n + "] but was [" + from + ", " + to + ")");
        }
        return new Partition(n, parts, pieceValues, from, to);
    }

    /** The chunk's pieces inside the window, in order. */
    List<Span> pieces(int chunk) {
        long start = Math.max(start(chunk), windowFrom);
        long end = Math.max(start, Math.min(start(chunk + 1), windowTo));
        List<Span> pieces = new ArrayList<>((int) ((end - start + pieceValues - 1) / pieceValues));
        for (long at = start; at < end; at += pieceValues) {
            pieces.add(new Span(at, (int) Math.min(pieceValues, end - at)));
        }
        return pieces;
    }

    /** The whole of chunk {@code chunk} (ignoring the window): the same for every piece size. */
    Shard chunk(int chunk) {
        return new Shard(start(chunk), start(chunk + 1));
    }

    private long start(int chunk) {
        return n * chunk / parts;   // n < 2^29 (see WorkBuffer), so this cannot overflow
    }
}
