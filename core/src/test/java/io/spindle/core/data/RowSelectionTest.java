package io.spindle.core.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowSelectionTest {

    @Test
    void aDrawSplitsTheRowsInTwoDisjointSidesOfAboutItsFraction() {
        long n = 20_000;
        RowSelection held = RowSelection.heldOut(n, 0.2, 7), kept = RowSelection.keptIn(n, 0.2, 7);
        for (long r = 0; r < n; r++) assertTrue(held.takes(r) != kept.takes(r), "row " + r + " is on exactly one side");
        assertEquals(n, held.rows() + kept.rows());
        // Binomial(20,000, 0.2): standard deviation ~57.
        assertTrue(Math.abs(held.rows() - 4_000) < 300, "held out " + held.rows());
        assertEquals(held.rows(), RowSelection.heldOut(n, 0.2, 7).rows(), "the same seed draws the same rows");
        assertNotEquals(held.rows(), RowSelection.heldOut(n, 0.2, 8).rows(), "another seed draws other rows");
        RowSelection all = RowSelection.all(n);
        assertTrue(all.whole());
        assertEquals(n, all.rows());
        assertFalse(held.whole());
    }

    @Test
    void spansOfVirtualShardsHoldExactlyTheSelectedRowsInOrder() {
        for (RowSelection s : List.of(RowSelection.keptIn(997, 0.3, 42), RowSelection.heldOut(997, 0.3, 42), RowSelection.all(997))) {
            for (int workers : new int[] {1, 2, 3}) {
                VirtualShards shards = new VirtualShards(s.rows(), 12);
                List<Long> seen = new ArrayList<>();
                for (int k = 0; k < workers; k++) {
                    List<VirtualShards.Range> ranges = shards.ownedBy(k, workers), spans = s.spans(ranges);
                    assertEquals(ranges.size(), spans.size());
                    for (int i = 0; i < ranges.size(); i++) {
                        assertEquals(ranges.get(i).shard(), spans.get(i).shard());
                        long taken = 0;
                        for (long r = spans.get(i).from(); r < spans.get(i).to(); r++) {
                            if (!s.takes(r)) continue;
                            taken++;
                            seen.add(r);
                        }
                        assertEquals(ranges.get(i).size(), taken, "span " + spans.get(i) + " of range " + ranges.get(i));
                        if (taken > 0) {
                            assertTrue(s.takes(spans.get(i).from()) && s.takes(spans.get(i).to() - 1), "a span starts and ends on a selected row");
                        }
                    }
                }
                seen.sort(null);
                List<Long> expected = new ArrayList<>();
                for (long r = 0; r < s.sourceRows(); r++) if (s.takes(r)) expected.add(r);
                assertEquals(expected, seen, s.describe() + " over " + workers + " workers");
            }
        }
    }

    @Test
    void aFractionOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RowSelection.heldOut(10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> RowSelection.keptIn(10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RowSelection.heldOut(10, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> RowSelection.keptIn(10, 0.5, 1).spans(List.of(new VirtualShards.Range(0, 0, 11))));
    }
}
