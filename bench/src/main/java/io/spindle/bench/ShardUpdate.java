package io.spindle.bench;

import io.spindle.core.kernel.AdamKernel;
import io.spindle.core.kernel.FloatLoops;
import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One in-JVM rank's update of its half of fashion-mlp (117,573 parameters) with two ranks: the reduce-scatter's
 * mean of both gradient halves and then Adam, against Adam reading both halves and averaging in its own pass
 * (what the sharded step does with Adam). Measured with warm caches, and after a 16 MB pass between updates
 * (cold), as after a forward and backward pass. Run through {@code bench/run shard}.
 */
public final class ShardUpdate {
    private static final int SHARD = (784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10) / 2;
    private static final double B1 = 0.9, B2 = 0.999, ALPHA = 1e-3, EPS = 1e-7;

    public static void main(String[] args) {
        INDArray mine = Nd4j.rand(DataType.FLOAT, SHARD).subi(0.5), peer = Nd4j.rand(DataType.FLOAT, SHARD).subi(0.5);
        INDArray mean = Nd4j.create(DataType.FLOAT, SHARD);
        INDArray params = Nd4j.rand(DataType.FLOAT, SHARD), m = Nd4j.zeros(DataType.FLOAT, SHARD), v = Nd4j.zeros(DataType.FLOAT, SHARD);
        ByteBuffer[] ranks = {Memory.of(mine), Memory.of(peer)};
        ByteBuffer meanMemory = Memory.of(mean);
        AdamKernel onMean = new AdamKernel(params, mean, m, v), averaging = AdamKernel.onMeans(params, m, v);
        INDArray evict = Nd4j.rand(DataType.FLOAT, 4_000_000);   // 16 MB, beyond the caches a core has to itself
        System.out.printf(Locale.ROOT, "one rank's half of fashion-mlp (%,d floats), 2 ranks; µs per update (median of 5 rounds of 2,000)%n", SHARD);
        for (boolean cold : new boolean[] {false, true}) {
            double[][] rounds = new double[3][6];
            for (int round = 0; round < 6; round++) {   // round 0 warms the JIT up
                long meanNanos = 0, adamNanos = 0, fusedNanos = 0;
                int updates = 2000;
                for (int i = 0; i < updates; i++) {
                    if (cold) evict.addi(1e-7f);
                    long t0 = System.nanoTime();
                    FloatLoops.mean(ranks, meanMemory, 0, SHARD);
                    long t1 = System.nanoTime();
                    onMean.step(B1, B2, ALPHA, EPS);
                    long t2 = System.nanoTime();
                    if (cold) evict.addi(1e-7f);
                    long t3 = System.nanoTime();
                    averaging.stepOnMean(ranks, B1, B2, ALPHA, EPS);
                    fusedNanos += System.nanoTime() - t3;
                    meanNanos += t1 - t0;
                    adamNanos += t2 - t1;
                }
                rounds[0][round] = meanNanos / 1e3 / updates;
                rounds[1][round] = adamNanos / 1e3 / updates;
                rounds[2][round] = fusedNanos / 1e3 / updates;
            }
            double meanUs = median(rounds[0]), adamUs = median(rounds[1]), fusedUs = median(rounds[2]);
            System.out.printf(Locale.ROOT, "%s caches: mean %.1f + Adam %.1f = %.1f µs;  Adam averaging in its pass %.1f µs (%.0f%% of the two)%n",
                    cold ? "cold" : "warm", meanUs, adamUs, meanUs + adamUs, fusedUs, 100 * fusedUs / (meanUs + adamUs));
        }
        // The ranks' buffers are read through Memory.of's ByteBuffers, which do not keep the arrays alive.
        java.lang.ref.Reference.reachabilityFence(mine);
        java.lang.ref.Reference.reachabilityFence(peer);
    }

    /** The median of rounds 1..5 (round 0 is the JIT's). */
    private static double median(double[] rounds) {
        double[] kept = java.util.Arrays.copyOfRange(rounds, 1, rounds.length);
        java.util.Arrays.sort(kept);
        return kept[kept.length / 2];
    }
}
