package io.spindle.core.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a source, {@code [0, sourceRows)}, that one reader takes: all of them, or one side of a seeded draw
 * ({@code data.validation_split}): each row is held out on its own, with probability {@code fraction}, by a hash of the
 * seed and its index, so every executor decides it alike without reading or shipping anything (as Spark's
 * {@code randomSplit} draws per row). The selected rows keep the source's order and are numbered 0, 1, …; a reader
 * maps ranges of those numbers to spans of source rows ({@link #spans}) and skips the rows in a span it does not take.
 */
public final class RowSelection implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long sourceRows, rows;
    private final long seed;
    private final double fraction;
    private final boolean held;

    private RowSelection(long sourceRows, long seed, double fraction, boolean held) {
        if (sourceRows < 0) throw new IllegalArgumentException("source rows must be >= 0, got " + sourceRows);
        this.sourceRows = sourceRows;
        this.seed = seed;
        this.fraction = fraction;
        this.held = held;
        long n = 0;
        for (long r = 0; r < sourceRows; r++) if (takes(r)) n++;
        this.rows = n;
    }

    /** Every row of a source of {@code sourceRows}. */
    public static RowSelection all(long sourceRows) {
        return new RowSelection(sourceRows, 0, 0, false);
    }

    /** The rows that a draw of {@code fraction} (in (0, 1)) seeded with {@code seed} holds out. */
    public static RowSelection heldOut(long sourceRows, double fraction, long seed) {
        return new RowSelection(sourceRows, seed, checked(fraction), true);
    }

    /** The rows that the same draw leaves in: the complement of {@link #heldOut}. */
    public static RowSelection keptIn(long sourceRows, double fraction, long seed) {
        return new RowSelection(sourceRows, seed, checked(fraction), false);
    }

    private static double checked(double fraction) {
        if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("a held-out fraction must be in (0, 1), got " + fraction);
        return fraction;
    }

    /** Rows in the source. */
    public long sourceRows() {
        return sourceRows;
    }

    /** Rows selected. */
    public long rows() {
        return rows;
    }

    /** Whether every source row is selected (no row need be skipped). */
    public boolean whole() {
        return fraction == 0;
    }

    /** Whether source row {@code row} is selected. */
    public boolean takes(long row) {
        if (fraction == 0) return true;
        return drawn(row) < fraction == held;
    }

    /** Row {@code row}'s draw, uniform in [0, 1): SplitMix64's finaliser of the seed and the index. */
    private double drawn(long row) {
        long z = seed * 0x9E3779B97F4A7C15L + row * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    /**
     * The spans of source rows that hold {@code ranges} (ascending ranges of selected rows), one per range with its shard:
     * span i starts at the source row of range i's first selected row and ends after its last. A span may hold rows this
     * selection does not take; the reader skips them with {@link #takes}. One pass over the source rows up to the last.
     */
    public List<VirtualShards.Range> spans(List<VirtualShards.Range> ranges) {
        if (whole()) return ranges;
        List<VirtualShards.Range> spans = new ArrayList<>(ranges.size());
        long source = 0, selected = 0;   // the next source row, and how many selected rows come before it
        for (VirtualShards.Range r : ranges) {
            if (r.from() < selected || r.to() > rows) {
                throw new IllegalArgumentException("range [" + r.from() + ", " + r.to() + ") is not after row " + selected + " within " + rows);
            }
            if (r.size() == 0) {
                spans.add(new VirtualShards.Range(r.shard(), source, source));
                continue;
            }
            while (!(takes(source) && selected == r.from())) {
                if (takes(source)) selected++;
                source++;
            }
            long from = source;
            while (selected < r.to()) {
                if (takes(source)) selected++;
                source++;
            }
            spans.add(new VirtualShards.Range(r.shard(), from, source));
        }
        return spans;
    }

    /** For provenance and fingerprints: which rows, in a few words. */
    public String describe() {
        if (whole()) return "all " + sourceRows + " rows";
        return (held ? "held out" : "kept in") + " by validation_split " + fraction + " seed " + seed + ": " + rows + " of " + sourceRows + " rows";
    }
}
