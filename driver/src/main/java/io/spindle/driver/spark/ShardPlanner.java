package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.worker.Shard;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rows each worker holds: the rows cut into {@code virtualShards} contiguous virtual shards, of which worker
 * k of N holds k, k+N, … one after another ({@link VirtualShards}). The data order shuffles within them
 * ({@code GlobalOrder}), so a shard's rows need no shuffle of their own. With {@code virtualShards == workers}
 * worker k holds the k-th contiguous block (evaluation).
 */
public final class ShardPlanner {
    private ShardPlanner() {
    }

    public static List<Shard> split(Dataset data, int workers, int virtualShards) {
        List<Shard> shards = new ArrayList<>(workers);
        for (int k = 0; k < workers; k++) shards.add(Shard.of(k, data, rowsOf(data.size(), workers, k, virtualShards)));
        return shards;
    }

    /** The same shards, their features stored by {@code codec}. */
    public static List<Shard> split(Dataset data, int workers, int virtualShards, ValueCodec codec) throws IOException {
        List<Shard> shards = new ArrayList<>(workers);
        for (int k = 0; k < workers; k++) shards.add(Shard.of(k, data, rowsOf(data.size(), workers, k, virtualShards), codec, null));
        return shards;
    }

    /** The rows of worker {@code k}: the same on the driver and on any executor, given n, workers and the shard count. */
    public static int[] rowsOf(int n, int workers, int k, int virtualShards) {
        VirtualShards shards = new VirtualShards(n, virtualShards);
        int[] rows = new int[Math.toIntExact(shards.rowsOf(k, workers))];
        int i = 0;
        for (VirtualShards.Range r : shards.ownedBy(k, workers)) for (long x = r.from(); x < r.to(); x++) rows[i++] = (int) x;
        return rows;
    }
}
