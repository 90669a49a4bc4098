package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.spindle.core.kernel.FloatLoops;
import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reduce-scatter and all-gather, the two halves of a sharded optimizer step, on every transport and 1 to
 * 5 ranks: the shards tile the buffer (the coordinator, which has no sharded path, owns it whole on every rank); after the reduce-scatter each rank's shard holds the bits the
 * all-reduce would have given it; after the all-gather every rank holds every owner's shard exactly.
 */
class ShardedStepTest {

    private static final CollectiveOptions SMALL_PIECES = Ranks.options().withChunkBytes(64);

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void reduceScatterGivesTheAllReduceBitsOnEachShardAndAllGatherSharesThem(Ranks.Kind kind) {
        for (int n = 1; n <= 5; n++) {
            try (Ranks group = Ranks.open(kind, n, SMALL_PIECES)) {
                for (int length : new int[] {1, n + 1, 3001, 10007}) {
                    check(group, length);
                }
            }
        }
    }

    /**
     * The operands a fused optimizer averages itself (an in-JVM transport's own call): every rank's shard, whose mean
     * has the reduce-scatter's bits; for one rank, null with the mean (the buffer) already in the shard. Either way the
     * mean is the all-reduce's.
     */
    @org.junit.jupiter.api.Test
    void reduceScatterOperandsAverageToTheReduceScatterBits() {
        Ranks.Kind kind = Ranks.Kind.IN_JVM;
        for (int ranks = 1; ranks <= 4; ranks++) {
            int n = ranks;
            try (Ranks group = Ranks.open(kind, n, SMALL_PIECES)) {
                for (int length : new int[] {1, n + 1, 3001}) {
                    List<float[]> inputs = new ArrayList<>();
                    for (int r = 0; r < n; r++) inputs.add(Ranks.inputs(47, r, length));
                    int[] allReduced = Ranks.bits(group.onAll(c -> {
                        INDArray b = Ranks.array(inputs.get(c.rank()));
                        c.allReduceMean(b);
                        return b;
                    }).get(0));
                    group.onAll(c -> {
                        INDArray b = Ranks.array(inputs.get(c.rank()));
                        ByteBuffer[] operands = ((InJvmCollective) c).reduceScatterOperands(b);
                        Shard mine = c.shardOf(length);
                        // (Copied element by element: ND4J's view of an empty interval is not empty.)
                        INDArray mean = Nd4j.create(DataType.FLOAT, mine.length());
                        for (long i = 0; i < mine.length(); i++) mean.putScalar(i, b.getFloat(mine.from() + i));
                        if (n > 1) {
                            assertEquals(n, operands.length, "one shard per rank");
                            FloatLoops.mean(operands, Memory.of(mean), 0, (int) mine.length());
                            assertArrayEquals(inputs.get(c.rank()), b.toFloatVector(), "the rank's own buffer is left alone");
                        } else {
                            assertNull(operands, "one rank: the mean is already in the shard");
                        }
                        int[] got = Ranks.bits(mean);
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(allReduced[(int) mine.from() + i], got[i], kind + " rank " + c.rank() + " element " + (mine.from() + i) + " of " + length);
                        }
                        c.barrier();   // peers read this rank's buffer until it makes its next call
                        return null;
                    });
                }
            }
        }
    }

    /** An empty buffer (a model without parameters) passes through every operation on every transport. */
    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void emptyBuffersPassThrough(Ranks.Kind kind) {
        try (Ranks group = Ranks.open(kind, 2, SMALL_PIECES)) {
            List<Long> lengths = group.onAll(c -> {
                INDArray empty = Nd4j.create(DataType.FLOAT, 0);
                c.allReduceMean(empty);
                c.reduceScatterMean(empty);
                c.allGather(empty);
                return empty.length();
            });
            assertEquals(List.of(0L, 0L), lengths);
        }
    }

    private static void check(Ranks group, int length) {
        int n = group.size();
        List<float[]> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            inputs.add(Ranks.inputs(31, r, length));
        }
        int[] allReduced = Ranks.bits(group.onAll(c -> {
            INDArray b = Ranks.array(inputs.get(c.rank()));
            c.allReduceMean(b);
            return b;
        }).get(0));
        List<Shard> shards = group.onAll(c -> c.shardOf(length));
        assertTiles(shards, length);
        // Reduce-scatter, then (after one more call) each owner scribbles a rank-specific value over everything it
        // does not own (stale halves must not leak), then all-gather: every rank must end with the all-reduced bits.
        List<INDArray> gathered = group.onAll(c -> {
            INDArray b = Ranks.array(inputs.get(c.rank()));
            c.reduceScatterMean(b);
            Shard mine = c.shardOf(length);
            int[] got = Ranks.bits(b);
            for (long i = mine.from(); i < mine.to(); i++) {
                assertEquals(allReduced[(int) i], got[(int) i], "rank " + c.rank() + " element " + i + " of " + length);
            }
            c.barrier();   // the contract: peers may read the unowned part until this rank's next call
            for (long i = 0; i < length; i++) {
                if (i < mine.from() || i >= mine.to()) b.putScalar(i, -1000 - c.rank());
            }
            c.allGather(b);
            return b;
        });
        for (int r = 0; r < n; r++) {
            assertArrayEquals(allReduced, Ranks.bits(gathered.get(r)), "rank " + r + " after all-gather, n=" + length);
        }
    }

    /** The shards tile [0, length), or (a transport without a sharded path) each is the whole buffer. */
    private static void assertTiles(List<Shard> shards, long length) {
        if (shards.stream().allMatch(s -> s.equals(new Shard(0, length)))) {
            return;
        }
        List<Shard> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparingLong(Shard::from).thenComparingLong(Shard::to));
        long at = 0;
        for (Shard s : sorted) {
            assertEquals(at, s.from(), "shards " + Arrays.toString(shards.toArray()) + " must tile [0, " + length + ")");
            at = s.to();
        }
        assertEquals(length, at);
    }
}
