package io.spindle.core.train;

import io.spindle.core.data.VirtualShards;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalOrderTest {

    /** Worker k's local positions as source rows: its shards lie one after another in its local space. */
    private static long[] sourceRows(VirtualShards shards, int worker, int workers) {
        long[] rows = new long[(int) shards.rowsOf(worker, workers)];
        int i = 0;
        for (VirtualShards.Range r : shards.ownedBy(worker, workers)) for (long x = r.from(); x < r.to(); x++) rows[i++] = x;
        return rows;
    }

    /** Global batch {@code step} as the sorted source rows all {@code workers} take in it. */
    private static long[] globalBatch(GlobalOrder order, VirtualShards shards, int workers, int batch, int epoch, int step) {
        int local = batch / workers;
        long[] rows = new long[batch];
        for (int k = 0; k < workers; k++) {
            int[] positions = order.forWorker(k, workers, order.balancedSteps()).epoch(epoch);
            long[] source = sourceRows(shards, k, workers);
            for (int i = 0; i < local; i++) rows[k * local + i] = source[positions[step * local + i]];
        }
        Arrays.sort(rows);
        return rows;
    }

    @Test
    void everyWorkerCountDividingTheShardsTakesTheSameGlobalBatches() {
        // Uneven shards (1003 rows), a batch that is no multiple of the shard count, and one smaller than it; shards
        // shuffled row by row and in blocks of 4 rows (which do not divide the shards' 15 or 16 rows).
        for (int block : new int[] {1, 4}) {
            for (int batch : new int[] {96, 40}) {
                VirtualShards shards = new VirtualShards(1003, 64);
                GlobalOrder order = new GlobalOrder(shards, batch, 5, true, block);
                int[] whole = order.whole().epoch(2);
                for (int step = 0; step < order.balancedSteps(); step++) {
                    long[] one = Arrays.stream(Arrays.copyOfRange(whole, step * batch, step * batch + batch)).asLongStream().sorted().toArray();
                    for (int workers : new int[] {1, 2, 4, 8}) {
                        assertArrayEquals(one, globalBatch(order, shards, workers, batch, 2, step),
                                "block " + block + ", batch " + batch + ", step " + step + ", " + workers + " workers");
                    }
                }
            }
        }
    }

    /**
     * Shuffled in blocks, a shard deals its rows block by block: every aligned block of k neighbouring rows (the last
     * one shorter) comes as one run, the blocks in a shuffled order and each block's rows shuffled, once per epoch.
     */
    @Test
    void aShardShuffledInBlocksDealsItsRowsBlockByBlock() {
        int k = 8, size = 251;
        VirtualShards shards = new VirtualShards(4 * size, 4);
        GlobalOrder order = new GlobalOrder(shards, 16, 5, true, k);
        int[] whole = order.whole().epoch(0);
        for (int shard = 0; shard < 4; shard++) {
            final int first = shard * size;
            int[] rows = Arrays.stream(whole).filter(r -> r >= first && r < first + size).map(r -> r - first).toArray();
            assertEquals(size, rows.length);
            assertEquals(size, Arrays.stream(rows).distinct().count(), "each row once");
            boolean blocksShuffled = false, rowsShuffled = false;
            int previousBlock = -1;
            for (int at = 0; at < size; ) {
                int block = rows[at] / k, blockSize = Math.min(k, size - block * k);
                for (int i = at; i < at + blockSize; i++) {
                    assertEquals(block, rows[i] / k, "shard " + shard + ": row " + rows[i] + " at " + i + " breaks the run of block " + block);
                    if (i > at && rows[i] < rows[i - 1]) rowsShuffled = true;
                }
                if (block < previousBlock) blocksShuffled = true;
                previousBlock = block;
                at += blockSize;
            }
            assertTrue(blocksShuffled && rowsShuffled, "shard " + shard + ": the blocks and the rows within them are shuffled");
        }
        assertFalse(Arrays.equals(whole, order.whole().epoch(1)), "each epoch reshuffles");
        assertArrayEquals(new GlobalOrder(shards, 16, 5, true).whole().epoch(0), new GlobalOrder(shards, 16, 5, true, 1).whole().epoch(0),
                "blocks of one row are the row-by-row shuffle");
        assertThrows(IllegalArgumentException.class, () -> new GlobalOrder(shards, 16, 5, true, 0));
    }

    @Test
    void oneProcessSeesEveryRowOncePerEpochReshuffled() {
        GlobalOrder order = new GlobalOrder(new VirtualShards(1003, 64), 96, 5, true);
        int[] e0 = order.whole().epoch(0);
        Set<Integer> unique = new HashSet<>();
        for (int r : e0) unique.add(r);
        assertEquals(1003, e0.length);
        assertEquals(1003, unique.size());
        assertArrayEquals(e0, new GlobalOrder(new VirtualShards(1003, 64), 96, 5, true).whole().epoch(0), "same seed, same order");
        assertFalse(Arrays.equals(e0, order.whole().epoch(1)), "each epoch reshuffles");
        assertFalse(Arrays.equals(e0, new GlobalOrder(new VirtualShards(1003, 64), 96, 6, true).whole().epoch(0)), "the seed matters");
    }

    @Test
    void balancedStepsDrawOnlyFromRoundsEveryShardFills() {
        // 1003 rows in 64 shards: 15 or 16 rows each, so 15 full rounds = 960 positions = 10 steps of 96.
        assertEquals(10, new GlobalOrder(new VirtualShards(1003, 64), 96, 5, true).balancedSteps());
        assertEquals(0, new GlobalOrder(new VirtualShards(50, 64), 8, 5, true).balancedSteps());
        assertEquals(468, new GlobalOrder(new VirtualShards(60_000, 64), 128, 5, true).balancedSteps());
    }

    @Test
    void fewRowsDealFromFewerShardsChosenByTheRowsAlone() {
        assertEquals(64, GlobalOrder.effectiveShards(60_000, 64, 128));
        assertEquals(64, GlobalOrder.effectiveShards(1003, 64, 96));
        // 100 rows, batch 100: 64, 32, 16 and 8 shards fill only 96 rows in full rounds; 4 fill all 100.
        assertEquals(4, GlobalOrder.effectiveShards(100, 64, 100));
        assertEquals(32, GlobalOrder.effectiveShards(50, 64, 8));
        assertEquals(1, GlobalOrder.effectiveShards(7, 64, 7));
        assertEquals(1, new GlobalOrder(new VirtualShards(100, GlobalOrder.effectiveShards(100, 64, 100)), 100, 5, true).balancedSteps());
    }

    @Test
    void consecutiveRowsOfABatchComeFromAllOverTheSource() {
        // Sorted source data (e.g. by class) must not give a batch of neighbours, even when the batch is smaller than V.
        GlobalOrder order = new GlobalOrder(new VirtualShards(6400, 64), 16, 9, true);
        int[] first = Arrays.copyOf(order.whole().epoch(0), 16);
        int span = Arrays.stream(first).max().getAsInt() - Arrays.stream(first).min().getAsInt();
        assertTrue(span > 3200, "16 rows spread over " + span + " of 6400 source rows");
    }

    @Test
    void withoutShuffleRowsAreDealtFromTheShardsInOrder() {
        int[] order = new GlobalOrder(new VirtualShards(8, 4), 2, 1, false).whole().epoch(0);
        assertArrayEquals(new int[] {0, 2, 4, 6, 1, 3, 5, 7}, order);
    }

    @Test
    void workerCountsThatDoNotDivideTheShardsAreRefused() {
        GlobalOrder order = new GlobalOrder(new VirtualShards(1000, 64), 96, 5, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> order.forWorker(0, 3, 1));
        assertEquals("3 workers must divide both the 64 virtual shards and the global batch of 96", e.getMessage());
    }
}
