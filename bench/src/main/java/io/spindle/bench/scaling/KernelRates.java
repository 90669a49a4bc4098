package io.spindle.bench.scaling;

import io.spindle.core.kernel.Bfloat16Loops;
import io.spindle.core.kernel.FloatLoops;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Single-thread rates of the kernels the sharded step's ring runs, measured here on a bucket-sized buffer in
 * chunk-sized pieces: float32's add (its reduce-scatter), bfloat16's add with the encode of the sum (one pass), encode and
 * decode, and a memory copy
 * standing for a socket's. A cluster node runs them on a core of its own, so these, not the lab's figures (its
 * workers share two cores and a loopback network stack), give the extrapolation its CPU.
 *
 * @param float32AddNs {@code FloatLoops.addInto}, per value
 * @param bfloat16AddEncodeNs {@code Bfloat16Loops.addIntoAndEncode}, per value
 * @param bfloat16EncodeNs {@code Bfloat16Loops.encode}, per value
 * @param bfloat16DecodeNs {@code Bfloat16Loops.decode}, per value
 * @param copyNsPerByte a bulk copy between direct buffers, per byte
 */
public record KernelRates(double float32AddNs, double bfloat16AddEncodeNs, double bfloat16EncodeNs, double bfloat16DecodeNs,
                          double copyNsPerByte) {
    private static final int WARMUP_PASSES = 40;
    private static final int PASSES_PER_REPETITION = 3;

    public KernelRates {
        for (double v : new double[] {float32AddNs, bfloat16AddEncodeNs, bfloat16EncodeNs, bfloat16DecodeNs, copyNsPerByte}) {
            if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("kernel rates must be finite and >= 0, got " + v);
            }
        }
    }

    /**
     * A rank's CPU per value reduced and per byte sent. float32: one add (the gather sends and receives in place).
     * bfloat16: in the reduce-scatter an add that also encodes the sum it passes on (one pass), in the gather a decode
     * (the received bytes are passed on as they came), then the parameters take the gathered update (a float32 add,
     * libnd4j's; FloatLoops' rate stands for it). The encode of a rank's own chunk before the first step and the
     * owner's rounding, each 1/(N-1) of the rest, are left out. Each byte sent is copied twice, into the sender's
     * kernel and out of the receiver's. Nothing is fixed per step.
     */
    public CpuTerms cpuTerms() {
        return new CpuTerms(float32AddNs, bfloat16AddEncodeNs + bfloat16DecodeNs + float32AddNs, 2 * copyNsPerByte, 0);
    }

    /**
     * The rates of one measurement: the best of its repetitions (what a core of its own gives: other work on a shared
     * host can only slow a repetition down) and their median (how much that other work moved them).
     */
    public record Timed(KernelRates best, KernelRates median) { }

    /**
     * Times each kernel over a buffer of {@code bucketValues} float32 values in pieces of {@code pieceValues}, as the ring
     * works through a bucket chunk by chunk: a warm-up, then {@code repetitions} timings in the thread's CPU time
     * (preemption does not count, but caches and memory shared with other work on the host do).
     */
    public static Timed measure(int bucketValues, int pieceValues, int repetitions) {
        if (bucketValues < 1 || pieceValues < 1 || pieceValues > bucketValues || repetitions < 1) {
            throw new IllegalArgumentException("need 1 <= pieceValues <= bucketValues and repetitions >= 1, got "
                    + pieceValues + ", " + bucketValues + ", " + repetitions);
        }
        ByteBuffer work = direct(4L * bucketValues), wide = direct(4L * pieceValues), narrow = direct(2L * pieceValues);
        ByteBuffer stage = direct(2L * bucketValues);
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < bucketValues; i++) work.putFloat(4 * i, (float) random.nextGaussian() * 1e-3f);
        for (int i = 0; i < pieceValues; i++) wide.putFloat(4 * i, (float) random.nextGaussian() * 1e-3f);
        Bfloat16Loops.encode(wide, 0, narrow, pieceValues);
        Pass[] kernels = {
            (at, n) -> FloatLoops.addInto(work, at, wide, n, 1),
            (at, n) -> Bfloat16Loops.addIntoAndEncode(work, at, narrow, n, 1, stage, at, false),
            (at, n) -> Bfloat16Loops.encode(work, at, narrow, n),
            (at, n) -> Bfloat16Loops.decode(narrow, work, at, n),
            (at, n) -> work.put(4 * at, wide, 0, 4 * n)};
        double[][] perValue = new double[kernels.length][];   // each kernel's sorted repetitions, ns per value
        for (int k = 0; k < kernels.length; k++) {
            perValue[k] = nanos(kernels[k], bucketValues, pieceValues, repetitions);
            for (int r = 0; r < repetitions; r++) perValue[k][r] /= bucketValues;
        }
        return new Timed(at(perValue, 0), at(perValue, repetitions / 2));
    }

    /** The rates at rank {@code rank} of each kernel's sorted repetitions; the copy's per byte. */
    private static KernelRates at(double[][] perValue, int rank) {
        return new KernelRates(perValue[0][rank], perValue[1][rank], perValue[2][rank], perValue[3][rank], perValue[4][rank] / 4);
    }

    /** One kernel call on {@code n} values of the bucket from value {@code at}. */
    private interface Pass {
        void run(int at, int n);
    }

    /** The CPU nanoseconds of each repetition's pass of {@code kernel} over the bucket, sorted. */
    private static double[] nanos(Pass kernel, int bucketValues, int pieceValues, int repetitions) {
        for (int i = 0; i < WARMUP_PASSES; i++) pass(kernel, bucketValues, pieceValues);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] times = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < PASSES_PER_REPETITION; i++) pass(kernel, bucketValues, pieceValues);
            times[r] = (threads.getCurrentThreadCpuTime() - start) / (double) PASSES_PER_REPETITION;
        }
        Arrays.sort(times);
        return times;
    }

    private static void pass(Pass kernel, int bucketValues, int pieceValues) {
        for (int at = 0; at < bucketValues; at += pieceValues) kernel.run(at, Math.min(pieceValues, bucketValues - at));
    }

    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }
}
