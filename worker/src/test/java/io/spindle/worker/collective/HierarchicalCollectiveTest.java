package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Ranks on shared executors reduce in memory, then their leaders over the ring: the mean over every rank to within
 * float rounding of the flat ring (not its bits: the sums are grouped differently), the same bits on every rank,
 * windows with the whole call's bits, and broadcast and barrier from any rank.
 */
class HierarchicalCollectiveTest {
    // Executors A, B, A, C, B: groups {0, 2}, {1, 4} and {3}, led by ranks 0, 1 and 3.
    private static final String[] EXECUTORS = {"A", "B", "A", "C", "B"};
    private static final int LENGTH = 2049;

    @Test
    void groupsFollowTheExecutorsLedByTheirLowestRank() {
        ExecutorGroups g = ExecutorGroups.of(EXECUTORS);
        assertEquals(3, g.groups());
        assertEquals(List.of(0, 1, 0, 2, 1), List.of(g.groupOf(0), g.groupOf(1), g.groupOf(2), g.groupOf(3), g.groupOf(4)));
        assertEquals(List.of(0, 1, 3), List.of(g.leader(0), g.leader(1), g.leader(2)));
        assertEquals(1, g.localIndex(4));
        assertTrue(g.anyShared());
        assertFalse(ExecutorGroups.of(new String[] {"A", "B", "C"}).anyShared());
    }

    @Test
    void theMeanIsTheFlatRingsWithinRoundingAndTheSameOnEveryRank() {
        List<float[]> inputs = new ArrayList<>();
        for (int r = 0; r < EXECUTORS.length; r++) inputs.add(Ranks.inputs(5, r, LENGTH));
        float[] flat;
        try (Ranks ring = Ranks.ring(EXECUTORS.length, Ranks.options())) {
            flat = mean(ring, inputs, 0, LENGTH).get(0);
        }
        try (Ranks hierarchy = Ranks.hierarchical(EXECUTORS, Ranks.options().withChunkBytes(64))) {
            List<float[]> got = mean(hierarchy, inputs, 0, LENGTH);
            for (int r = 1; r < got.size(); r++) assertArrayEquals(got.get(0), got.get(r), "rank " + r + " has rank 0's bits");
            for (int i = 0; i < LENGTH; i++) {
                double exact = 0;
                for (float[] in : inputs) exact += in[i];
                exact /= inputs.size();
                // Each input is in [-1, 1): a few float32 roundings of sums of at most 5 such values.
                assertEquals(exact, got.get(0)[i], 1e-6, "element " + i);
                assertEquals(flat[i], got.get(0)[i], 1e-6, "element " + i + " against the flat ring");
            }
            // A window is reduced as a buffer of its own (the leaders' ring cuts it into its own chunks).
            for (long[] w : new long[][] {{0, 700}, {700, 701}, {701, LENGTH}}) {
                List<float[]> window = mean(hierarchy, inputs, w[0], w[1]);
                List<float[]> sliced = new ArrayList<>();
                for (float[] in : inputs) sliced.add(java.util.Arrays.copyOfRange(in, (int) w[0], (int) w[1]));
                float[] alone = mean(hierarchy, sliced, 0, w[1] - w[0]).get(0);
                for (int i = 0; i < LENGTH; i++) {
                    float expected = i >= w[0] && i < w[1] ? alone[(int) (i - w[0])] : inputs.get(3)[i];
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(window.get(3)[i]),
                            "rank 3, window [" + w[0] + ", " + w[1] + "), element " + i);
                }
            }
        }
    }

    @Test
    void broadcastFromAnyRankAndBarrierReachEveryone() {
        try (Ranks hierarchy = Ranks.hierarchical(EXECUTORS, Ranks.options())) {
            for (int root = 0; root < EXECUTORS.length; root++) {
                int from = root;
                List<float[]> got = hierarchy.onAll(c -> {
                    INDArray b = Ranks.array(Ranks.inputs(9, c.rank(), 100));
                    c.broadcast(b, from);
                    c.barrier();
                    return b.toFloatVector();
                });
                for (float[] g : got) assertArrayEquals(Ranks.inputs(9, root, 100), g, "from root " + root);
            }
        }
    }

    private static List<float[]> mean(Ranks ranks, List<float[]> inputs, long from, long to) {
        return ranks.onAll(c -> {
            INDArray b = Ranks.array(inputs.get(c.rank()));
            c.allReduceMean(b, from, to);
            return b.toFloatVector();
        });
    }
}
