package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A bucket reduced alone (the steps reduce the gradients bucket by bucket) gets the bits the same elements get as a
 * buffer of their own, on every transport and rank count, in both wire precisions, and leaves the rest of the buffer
 * alone. The ring cuts each window into its own chunks, so every rank's link carries a share of every bucket.
 */
class WindowedReductionTest {
    private static final int LENGTH = 3001;
    private static final long[][] WINDOWS = {{0, LENGTH}, {17, 1500}, {1500, LENGTH}, {1234, 1235}, {700, 700}};

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aWindowGetsTheBitsOfABufferOfItsOwnAndNothingElseChanges(Ranks.Kind kind) {
        for (WireFormat wire : new WireFormat[] {WireFormat.FLOAT32, WireFormat.BFLOAT16}) {
            for (int n = 2; n <= 4; n++) {
                List<float[]> inputs = inputs(n);
                try (Ranks group = Ranks.open(kind, n, Ranks.options().withChunkBytes(64).withWireFormat(wire))) {
                    for (long[] w : WINDOWS) {
                        int[] alone = alone(group, inputs, w);
                        String what = kind + " " + wire + " " + n + " ranks, window [" + w[0] + ", " + w[1] + ")";
                        List<int[]> reduced = group.onAll(c -> {
                            INDArray b = Ranks.array(inputs.get(c.rank()));
                            c.allReduceMean(b, w[0], w[1]);
                            return Ranks.bits(b);
                        });
                        for (int r = 0; r < n; r++) {
                            int[] original = Ranks.bits(Ranks.array(inputs.get(r)));
                            for (int i = 0; i < LENGTH; i++) {
                                int expected = i >= w[0] && i < w[1] ? alone[(int) (i - w[0])] : original[i];
                                assertEquals(expected, reduced.get(r)[i], what + ": rank " + r + " element " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aWindowedReduceScatterLeavesTheMeanInTheRanksPartOfTheWindow(Ranks.Kind kind) {
        for (int n = 2; n <= 3; n++) {
            List<float[]> inputs = inputs(n);
            try (Ranks group = Ranks.open(kind, n, Ranks.options().withChunkBytes(64).withWireFormat(WireFormat.BFLOAT16))) {
                for (long[] w : WINDOWS) {
                    int[] alone = alone(group, inputs, w);
                    List<Shard> shards = group.onAll(c -> {
                        INDArray b = Ranks.array(inputs.get(c.rank()));
                        c.reduceScatterMean(b, w[0], w[1]);
                        Shard mine = c.shardOf(w[0], w[1]);
                        int[] got = Ranks.bits(b);
                        for (long i = mine.from(); i < mine.to(); i++) {
                            assertEquals(alone[(int) (i - w[0])], got[(int) i], kind + " rank " + c.rank() + " element " + i);
                        }
                        c.barrier();   // peers read this rank's buffer until it makes its next call
                        return mine;
                    });
                    assertTilesTheWindow(shards, w, kind + " " + n + " ranks");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aWindowOutsideTheBufferIsRefused(Ranks.Kind kind) {
        try (Ranks group = Ranks.open(kind, 1, Ranks.options())) {
            Collective c = group.ranks.get(0);
            INDArray b = Ranks.array(new float[10]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.allReduceMean(b, 5, 11));
            assertEquals("a window must lie within [0, 10] but was [5, 11)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.reduceScatterMean(b, 6, 5));
            assertArrayEquals(new float[10], b.toFloatVector());
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aWindowedAllGatherHandsOutEachOwnersPartOfTheWindowOnly(Ranks.Kind kind) {
        int n = 3;
        List<float[]> inputs = inputs(n);
        try (Ranks group = Ranks.open(kind, n, Ranks.options().withChunkBytes(64))) {
            for (long[] w : WINDOWS) {
                List<int[]> gathered = group.onAll(c -> {
                    INDArray b = Ranks.array(inputs.get(c.rank()));
                    c.allGather(b, w[0], w[1]);
                    return Ranks.bits(b);
                });
                boolean sharded = !group.ranks.get(0).shardOf(w[0], w[1]).equals(new Shard(w[0], w[1]));
                for (int r = 0; r < n; r++) {
                    int[] original = Ranks.bits(Ranks.array(inputs.get(r)));
                    for (int owner = 0; owner < n && sharded; owner++) {
                        Shard part = group.ranks.get(owner).shardOf(w[0], w[1]);
                        int[] source = Ranks.bits(Ranks.array(inputs.get(owner)));
                        for (long i = part.from(); i < part.to(); i++) {
                            assertEquals(source[(int) i], gathered.get(r)[(int) i], kind + " rank " + r + " element " + i + " from rank " + owner);
                        }
                    }
                    for (int i = 0; i < LENGTH; i++) {
                        boolean untouched = i < w[0] || i >= w[1] || !sharded;   // without a sharded path every rank owns it all
                        if (untouched) assertEquals(original[i], gathered.get(r)[i], kind + " rank " + r + " element " + i + " outside");
                    }
                }
            }
        }
    }

    /**
     * In a 16-bit wire format the gather hands out each owner's part rounded to the wire, and the owner keeps the same
     * rounded bits: every rank ends with the same buffer in the window, and the rest is left alone.
     */
    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aWireFormatGatherGivesEveryRankTheOwnersRoundedBits(Ranks.Kind kind) {
        int n = 3;
        List<float[]> inputs = inputs(n);
        try (Ranks group = Ranks.open(kind, n, Ranks.options().withChunkBytes(64).withWireFormat(WireFormat.BFLOAT16))) {
            for (long[] w : WINDOWS) {
                List<int[]> gathered = group.onAll(c -> {
                    INDArray b = Ranks.array(inputs.get(c.rank()));
                    c.allGatherInWireFormat(b, w[0], w[1]);
                    return Ranks.bits(b);
                });
                boolean sharded = !group.ranks.get(0).shardOf(w[0], w[1]).equals(new Shard(w[0], w[1]));
                for (int r = 0; r < n; r++) {
                    int[] original = Ranks.bits(Ranks.array(inputs.get(r)));
                    for (int i = 0; i < LENGTH; i++) {
                        if (i < w[0] || i >= w[1] || !sharded) {
                            assertEquals(original[i], gathered.get(r)[i], kind + " rank " + r + " element " + i + " untouched");
                        } else {
                            assertEquals(gathered.get(0)[i], gathered.get(r)[i], kind + " rank " + r + " element " + i + " as rank 0");
                            int bits = gathered.get(r)[i];
                            if (group.ranks.get(r).roundsOnTheWire()) assertEquals(0, bits & 0xFFFF, kind + " element " + i + " carries bfloat16's bits only");
                        }
                    }
                }
                assertEquals(kind == Ranks.Kind.RING, group.ranks.get(0).roundsOnTheWire(), kind + " rounds on the wire");
            }
        }
    }

    /** The mean every rank gets when the window's elements are all-reduced as a buffer of their own. */
    private static int[] alone(Ranks group, List<float[]> inputs, long[] w) {
        if (w[0] == w[1]) return new int[0];
        return Ranks.bits(group.onAll(c -> {
            float[] part = java.util.Arrays.copyOfRange(inputs.get(c.rank()), (int) w[0], (int) w[1]);
            INDArray b = Ranks.array(part);
            c.allReduceMean(b);
            return b;
        }).get(0));
    }

    /** The ranks' shards tile the window, or (a transport without a sharded path) each is the whole window. */
    private static void assertTilesTheWindow(List<Shard> shards, long[] w, String what) {
        if (shards.stream().allMatch(s -> s.equals(new Shard(w[0], w[1])))) return;
        long covered = 0;
        for (Shard s : shards) {
            assertEquals(true, s.from() >= w[0] && s.to() <= w[1], what + ": " + s + " lies in the window");
            covered += s.length();
        }
        assertEquals(w[1] - w[0], covered, what + ": the shards tile the window");
    }

    private static List<float[]> inputs(int n) {
        List<float[]> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) inputs.add(Ranks.inputs(91, r, LENGTH));
        return inputs;
    }
}
