package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.VirtualShards;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BatchSamplerTest {

    private static Dataset rowsNumbered(int n) {
        // feature row i = [i, i], label i: lets the test see which rows a batch holds
        var f = Nd4j.linspace(0, n - 1, n, DataType.FLOAT).reshape(n, 1).repeat(1, 2);
        var l = Nd4j.linspace(0, n - 1, n, DataType.FLOAT).reshape(n, 1);
        return new Dataset(f, l, new long[] {2}, 0);
    }

    private static BatchSampler sampler(int rows, int batch, long seed, boolean shuffle) {
        return new BatchSampler(rowsNumbered(rows), batch, new GlobalOrder(new VirtualShards(rows, 64), batch, seed, shuffle).whole());
    }

    private static float[] epochOrder(BatchSampler s, int epoch) {
        s.startEpoch(epoch);
        float[] seen = new float[0];
        for (int b = 0; b < s.batchesPerEpoch(); b++) {
            BatchSampler.Batch batch = s.batch(b);
            float[] ids = batch.labels().toFloatVector();
            assertArrayEquals(ids, batch.features().getColumn(1).toFloatVector(), "features travel with their labels");
            float[] all = new float[seen.length + ids.length];
            System.arraycopy(seen, 0, all, 0, seen.length);
            System.arraycopy(ids, 0, all, seen.length, ids.length);
            seen = all;
        }
        return seen;
    }

    @Test
    void everyRowOncePerEpochInASeededOrder() {
        BatchSampler s = sampler(103, 10, 7, true);
        assertEquals(11, s.batchesPerEpoch());
        float[] e0 = epochOrder(s, 0);
        Set<Float> unique = new HashSet<>();
        for (float v : e0) unique.add(v);
        assertEquals(103, e0.length);
        assertEquals(103, unique.size(), "no row repeated or dropped; the last batch holds 3");
        assertArrayEquals(e0, epochOrder(sampler(103, 10, 7, true), 0), "same seed, same order");
        assertFalse(java.util.Arrays.equals(e0, epochOrder(s, 1)), "each epoch reshuffles");
    }

    @Test
    void withoutShuffleRowsComeInOrder() {
        float[] order = epochOrder(sampler(5, 2, 1, false), 0);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, order);
    }
}
