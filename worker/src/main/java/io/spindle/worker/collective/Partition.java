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

    Partition(long n, int parts, int pieceValues) {
        this.n = n;
        this.parts = parts;
        this.pieceValues = pieceValues;
    }

    /** The chunk's pieces, in order. */
    List<Span> pieces(int chunk) {
        long start = start(chunk);
        long end = start(chunk + 1);
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
        return n * chunk / parts;   // n < 2^29 (see WorkBuffer), so this cannot overflow
    }
}
