package io.spindle.core.train;

import io.spindle.core.data.VirtualShards;

import java.util.SplittableRandom;

/**
 * A run's data order, the same whatever the worker count. Each virtual shard is shuffled on its own per epoch and
 * the shards are dealt round-robin into one stream: stream position p takes the next row of shard σ(p mod V), σ
 * being a seeded affine shuffle of the V shards per epoch. Step s is positions {@code [s·B, (s+1)·B)}. Worker k of
 * N owns shards k, k+N, … ({@link VirtualShards}) and takes the positions of its shards, exactly B/N per step when N
 * divides V and B; so every such N trains on the same global batches, and a checkpoint resumes on any of them.
 * A shard may be shuffled in blocks of neighbouring rows ({@code shuffleBlock}): the blocks in a seeded order, each
 * block's rows in a seeded order of their own. Its rows then come in runs from one small stretch of the source, which
 * a worker gathering from a spool file reads as a few neighbouring pages instead of a page per row.
 */
public final class GlobalOrder {
    private final VirtualShards shards;
    private final int globalBatch;
    private final long seed;
    private final boolean shuffle;
    private final int shuffleBlock;

    /** Each shard's rows shuffled one by one (or dealt in source order, without {@code shuffle}). */
    public GlobalOrder(VirtualShards shards, int globalBatch, long seed, boolean shuffle) {
        this(shards, globalBatch, seed, shuffle, 1);
    }

    /** Each shard shuffled in blocks of {@code shuffleBlock} neighbouring rows (1: row by row). */
    public GlobalOrder(VirtualShards shards, int globalBatch, long seed, boolean shuffle, int shuffleBlock) {
        if (globalBatch < 1) throw new IllegalArgumentException("the global batch must be >= 1, got " + globalBatch);
        if (shuffleBlock < 1) throw new IllegalArgumentException("the shuffle block must be >= 1 rows, got " + shuffleBlock);
        this.shards = shards;
        this.globalBatch = globalBatch;
        this.seed = seed;
        this.shuffle = shuffle;
        this.shuffleBlock = shuffleBlock;
    }

    /**
     * The shard count a run uses: {@code virtualShards}, or for few rows its largest divisor whose full rounds still
     * hold one global batch of {@code batch} rows (1 when none does). It depends on the rows, never on the workers.
     */
    public static int effectiveShards(long rows, int virtualShards, int batch) {
        for (int v = virtualShards; v > 1; v--) if (virtualShards % v == 0 && rows / v * v >= batch) return v;
        return 1;
    }

    /**
     * Steps per epoch that draw only from the rounds every shard fills (shard sizes differ by one): in those, every
     * worker count that divides V and B takes whole local batches.
     */
    public int balancedSteps() {
        long fullRounds = shards.rows() / shards.count();
        return (int) Math.min(Integer.MAX_VALUE, fullRounds * shards.count() / globalBatch);
    }

    /**
     * Worker {@code worker} of {@code workers}: {@code steps} steps of B/N positions in its local row space, which
     * holds its shards one after another in ascending order.
     */
    public RowOrder forWorker(int worker, int workers, int steps) {
        if (shards.count() % workers != 0 || globalBatch % workers != 0) {
            throw new IllegalArgumentException(workers + " workers must divide both the " + shards.count()
                    + " virtual shards and the global batch of " + globalBatch);
        }
        if (steps < 0 || steps > balancedSteps()) {
            throw new IllegalArgumentException(steps + " steps per epoch; the balanced ones are at most " + balancedSteps());
        }
        long positions = (long) steps * globalBatch;
        return order(Math.toIntExact(positions / workers), epoch -> fill(epoch, worker, workers, positions));
    }

    /** One process holding every row: each row once per epoch, the workers' steps first, then the remainder. */
    public RowOrder whole() {
        return order(Math.toIntExact(shards.rows()), epoch -> fill(epoch, 0, 1, Long.MAX_VALUE));
    }

    private interface EpochFill {
        int[] fill(int epoch);
    }

    private static RowOrder order(int rowsPerEpoch, EpochFill fill) {
        return new RowOrder() {
            @Override
            public int rowsPerEpoch() {
                return rowsPerEpoch;
            }

            @Override
            public int[] epoch(int epoch) {
                return fill.fill(epoch);
            }
        };
    }

    /** The local positions of the stream's first {@code positions} entries that fall on this worker's shards. */
    private int[] fill(int epoch, int worker, int workers, long positions) {
        int count = shards.count();
        int[] sigma = shardOrder(epoch);
        int[] slots = new int[count / workers];
        for (int j = 0, n = 0; j < count; j++) if (sigma[j] % workers == worker) slots[n++] = j;
        int[] offset = new int[count];
        int[][] perm = new int[count][];
        int local = 0;
        for (VirtualShards.Range r : shards.ownedBy(worker, workers)) {
            offset[r.shard()] = local;
            perm[r.shard()] = permutation(Math.toIntExact(r.size()), shuffleBlock, shuffle ? random(epoch, r.shard()) : null);
            local += Math.toIntExact(r.size());
        }
        long rounds = (shards.rows() + count - 1) / count;
        long length = Math.min(local, positions / workers);
        int[] out = new int[(int) length];
        int i = 0;
        for (long round = 0; round < rounds && i < length; round++) {
            for (int j = 0; j < slots.length && i < length; j++) {
                int[] p = perm[sigma[slots[j]]];
                // The last round holds only the shards one row longer than the rest.
                if (round < p.length) out[i++] = offset[sigma[slots[j]]] + p[(int) round];
            }
        }
        return out;
    }

    /**
     * σ(j) = a·j + c mod V with a coprime to V: any run of B consecutive slots then holds B/N shards of every worker
     * for each N dividing V and B, while consecutive slots land far apart in the source.
     */
    private int[] shardOrder(int epoch) {
        int count = shards.count();
        int a = 1, c = 0;
        if (shuffle && count > 1) {
            SplittableRandom rng = random(epoch, -1);
            do {
                a = 1 + rng.nextInt(count - 1);
            } while (gcd(a, count) != 1);
            c = rng.nextInt(count);
        }
        int[] sigma = new int[count];
        for (int j = 0; j < count; j++) sigma[j] = (int) (((long) a * j + c) % count);
        return sigma;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** A generator for (seed, epoch, stream), the same on every worker; stream -1 orders the shards. */
    private SplittableRandom random(int epoch, int stream) {
        long z = seed ^ 0x9E3779B97F4A7C15L * (epoch + 1) ^ 0xC2B2AE3D27D4EB4FL * (stream + 2L);
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return new SplittableRandom(z ^ (z >>> 33));
    }

    /** The identity order, or a Fisher–Yates shuffle of it. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        if (rng != null) shuffle(p, 0, n, rng);
        return p;
    }

    /**
     * The identity order, or the blocks [b·k, (b+1)·k) of {@code k} neighbouring rows (the last one shorter) in a
     * shuffled order, each block's rows shuffled in place after it. k = 1 is {@link #permutation(int, SplittableRandom)}.
     */
    static int[] permutation(int n, int k, SplittableRandom rng) {
        if (k == 1 || rng == null) return permutation(n, rng);
        int[] blocks = permutation((n + k - 1) / k, rng);
        int[] p = new int[n];
        int at = 0;
        for (int b : blocks) {
            int from = b * k, size = Math.min(k, n - from);
            for (int i = 0; i < size; i++) p[at + i] = from + i;
            shuffle(p, at, size, rng);
            at += size;
        }
        return p;
    }

    /** Fisher–Yates on {@code p[from, from + n)}. */
    private static void shuffle(int[] p, int from, int n, SplittableRandom rng) {
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[from + i];
            p[from + i] = p[from + j];
            p[from + j] = t;
        }
    }
}
