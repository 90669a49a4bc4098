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
 * A bucket reduced alone (the overlapped step reduces the gradients bucket by bucket) gets the bits a whole-buffer
 * call gives there, on every transport and rank count, in both wire precisions, and leaves the rest of the buffer
 * alone: the ring must keep each element in its whole-buffer chunk, or its summation order, and so its bits, change.
 */
class WindowedReductionTest {
    private static final int LENGTH = 3001;
    private static final long[][] WINDOWS = {{0, LENGTH}, {17, 1500}, {1500, LENGTH}, {1234, 1235}, {700, 700}};

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void aWindowGetsTheWholeBuffersBitsAndNothingElseChanges(Ranks.Kind kind) {
        for (WireFormat wire : new WireFormat[] {WireFormat.FLOAT32, WireFormat.BFLOAT16}) {
            for (int n = 2; n <= 4; n++) {
                List<float[]> inputs = inputs(n);
                try (Ranks group = Ranks.open(kind, n, Ranks.options().withChunkBytes(64).withWireFormat(wire))) {
                    int[] whole = Ranks.bits(group.onAll(c -> {
                        INDArray b = Ranks.array(inputs.get(c.rank()));
                        c.allReduceMean(b);
                        return b;
                    }).get(0));
                    for (long[] w : WINDOWS) {
                        String what = kind + " " + wire + " " + n + " ranks, window [" + w[0] + ", " + w[1] + ")";
                        List<int[]> reduced = group.onAll(c -> {
                            INDArray b = Ranks.array(inputs.get(c.rank()));
                            c.allReduceMean(b, w[0], w[1]);
                            return Ranks.bits(b);
                        });
                        for (int r = 0; r < n; r++) {
                            int[] original = Ranks.bits(Ranks.array(inputs.get(r)));
                            for (int i = 0; i < LENGTH; i++) {
                                int expected = i >= w[0] && i < w[1] ? whole[i] : original[i];
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
                int[] whole = Ranks.bits(group.onAll(c -> {
                    INDArray b = Ranks.array(inputs.get(c.rank()));
                    c.allReduceMean(b);
                    return b;
                }).get(0));
                for (long[] w : WINDOWS) {
                    group.onAll(c -> {
                        INDArray b = Ranks.array(inputs.get(c.rank()));
                        c.reduceScatterMean(b, w[0], w[1]);
                        Shard mine = c.shardOf(LENGTH);
                        int[] got = Ranks.bits(b);
                        for (long i = Math.max(w[0], mine.from()); i < Math.min(w[1], mine.to()); i++) {
                            assertEquals(whole[(int) i], got[(int) i], kind + " rank " + c.rank() + " element " + i);
                        }
                        c.barrier();   // peers read this rank's buffer until it makes its next call
                        return null;
                    });
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

    private static List<float[]> inputs(int n) {
        List<float[]> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) inputs.add(Ranks.inputs(91, r, LENGTH));
        return inputs;
    }
}
