package io.spindle.core.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VirtualShardsTest {
    @Test
    void shardsCoverEveryRowOnceAndDifferByAtMostOne() {
        VirtualShards shards = new VirtualShards(1003, 64);
        long next = 0, min = Long.MAX_VALUE, max = 0;
        for (int v = 0; v < 64; v++) {
            VirtualShards.Range r = shards.range(v);
            assertEquals(next, r.from());
            next = r.to();
            min = Math.min(min, r.size());
            max = Math.max(max, r.size());
        }
        assertEquals(1003, next);
        assertEquals(1, max - min);
    }

    @Test
    void workersOwnInterleavedShardsAndTogetherOwnAllRows() {
        VirtualShards shards = new VirtualShards(1003, 64);
        List<VirtualShards.Range> owned = shards.ownedBy(1, 4);
        assertEquals(16, owned.size());
        assertEquals(1, owned.get(0).shard());
        assertEquals(5, owned.get(1).shard());
        long total = 0;
        for (int k = 0; k < 4; k++) total += shards.rowsOf(k, 4);
        assertEquals(1003, total);
    }

    @Test
    void rowCountsBeyondIntRangeKeepLongOffsets() {
        VirtualShards shards = new VirtualShards(5L << 31, 64);
        assertEquals((5L << 31) * 63 / 64, shards.range(63).from());
    }

    @Test
    void moreWorkersThanShardsIsRefusedNamingTheCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VirtualShards(100, 8).ownedBy(0, 9));
        assertEquals("workers must be in [1, 8] for 8 virtual shards, got 9", e.getMessage());
    }
}
