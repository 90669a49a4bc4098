package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.worker.Shard;

import java.io.IOException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits rows into exactly {@code workers} balanced shards (sizes differ by at most one). With
 * {@code shuffle} the rows are first permuted by a seeded shuffle so every shard sees every
 * class; without it shard k is the k-th contiguous block.
 */
public final class ShardPlanner {
    private ShardPlanner() {
    }

    public static List<Shard> split(Dataset data, int workers, long seed, boolean shuffle) {
        List<Shard> shards = new ArrayList<>(workers);
        for (int k = 0; k < workers; k++) shards.add(Shard.of(k, data, rowsOf(data.size(), workers, k, seed, shuffle)));
        return shards;
    }

    /** The same shards, their features stored by {@code codec}. */
    public static List<Shard> split(Dataset data, int workers, long seed, boolean shuffle, ValueCodec codec) throws IOException {
        List<Shard> shards = new ArrayList<>(workers);
        for (int k = 0; k < workers; k++) shards.add(Shard.of(k, data, rowsOf(data.size(), workers, k, seed, shuffle), codec, null));
        return shards;
    }

    /** The rows of shard {@code k}: the same on the driver and on any executor, given n, workers and seed. */
    public static int[] rowsOf(int n, int workers, int k, long seed, boolean shuffle) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int from = (int) ((long) k * n / workers), to = (int) ((long) (k + 1) * n / workers);
        int[] rows = new int[to - from];
        System.arraycopy(order, from, rows, 0, rows.length);
        return rows;
    }

    /** The smallest shard's row count. */
    public static int minShardRows(int n, int workers) {
        return n / workers;
    }
}
