package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Every transport's all-reduce against a double-precision sum / N, for 1 to 5 ranks and awkward sizes:
 * one value, fewer values than ranks, a prime, and many small pieces. All ranks must hold the same bits,
 * and the same inputs must give the same bits again.
 */
class AllReduceMeanTest {

    /** 64-byte pieces make a 3001-value buffer travel as dozens of pipelined pieces. */
    private static final CollectiveOptions SMALL_PIECES = Ranks.options().withChunkBytes(64);

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void meanMatchesDoubleReferenceAndIsBitIdenticalOnEveryRank(Ranks.Kind kind) {
        for (int n = 1; n <= 5; n++) {
            try (Ranks group = Ranks.open(kind, n, SMALL_PIECES)) {
                List<Integer> lengths = new ArrayList<>(List.of(1, 10007, 3001));
                if (n > 2) {
                    lengths.add(n - 1);
                }
                for (int length : lengths) {
                    checkOnce(group, length, 17);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void sameInputsGiveSameBitsRunAfterRun(Ranks.Kind kind) {
        int[] first;
        try (Ranks group = Ranks.open(kind, 3, SMALL_PIECES)) {
            first = checkOnce(group, 10007, 99);
            assertArrayEquals(first, checkOnce(group, 10007, 99), "second call, same connections");
        }
        try (Ranks group = Ranks.open(kind, 3, SMALL_PIECES)) {
            assertArrayEquals(first, checkOnce(group, 10007, 99), "fresh connections");
        }
    }

    @ParameterizedTest
    @EnumSource(Ranks.Kind.class)
    void viewsAndMatricesAreReducedAndWrittenBack(Ranks.Kind kind) {
        try (Ranks group = Ranks.open(kind, 2, Ranks.options())) {
            List<INDArray> parents = group.onAll(c -> {
                INDArray parent = Nd4j.valueArrayOf(new long[] {10}, (float) (c.rank() + 1), DataType.FLOAT);
                c.allReduceMean(parent.get(NDArrayIndex.interval(2, 7)));   // a view with an offset
                INDArray matrix = Nd4j.valueArrayOf(new long[] {2, 3}, (float) (c.rank() * 4), DataType.FLOAT);
                c.allReduceMean(matrix);
                assertEquals(2.0f, matrix.getFloat(1, 2));
                return parent;
            });
            for (INDArray parent : parents) {
                for (int i = 0; i < 10; i++) {
                    float untouched = parents.indexOf(parent) + 1;
                    assertEquals(i >= 2 && i < 7 ? 1.5f : untouched, parent.getFloat(i), "element " + i);
                }
            }
        }
    }

    /** Runs one all-reduce with seeded inputs, checks it, and returns the common result's bits. */
    static int[] checkOnce(Ranks group, int length, long seed) {
        int n = group.size();
        List<float[]> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            inputs.add(Ranks.inputs(seed, r, length));
        }
        List<INDArray> results = group.onAll(c -> {
            INDArray buffer = Ranks.array(inputs.get(c.rank()));
            c.allReduceMean(buffer);
            return buffer;
        });
        int[] bits = Ranks.bits(results.get(0));
        for (int r = 1; r < n; r++) {
            assertArrayEquals(bits, Ranks.bits(results.get(r)), "rank " + r + " differs from rank 0, n=" + length);
        }
        float[] got = results.get(0).toFloatVector();
        for (int i = 0; i < length; i++) {
            double sum = 0;
            for (float[] in : inputs) {
                sum += in[i];
            }
            // |inputs| < 1: N float32 additions and one division err by at most about (N+1) * 2^-24 * N.
            assertEquals(sum / n, got[i], 1e-6, "element " + i + " of " + length + " with " + n + " ranks");
        }
        assertTrue(length > 0);
        return bits;
    }
}
