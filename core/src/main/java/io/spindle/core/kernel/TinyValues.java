package io.spindle.core.kernel;

/**
 * Values too small to move a parameter, which the optimizer kernels make exactly zero. Left alone, the moments of
 * a weight whose gradient is (nearly) always zero (an image's corner pixels, a dead ReLU) decay geometrically into
 * float's subnormal range, where x86 arithmetic takes a microcode assist per instruction: with 3.5% of
 * fashion-mlp's Adam moments subnormal after one epoch, the whole SIMD update ran several times slower. The kernels
 * flush a gradient before they square it and every average before they store it (compares take no assist), so no input or
 * result of their arithmetic is ever subnormal.
 */
public final class TinyValues {
    /** A gradient below this is zero: its square times (1-β) stays a normal float for β up to 1 - 1e-6. */
    static final float GRADIENT = 1e-16f;
    /** A running average below this is zero: times β it stays a normal float, and no sum of two such is subnormal. */
    static final float AVERAGE = 1e-30f;
    /**
     * A loss gradient entry below this is zero. A confident softmax gives wrong classes probabilities of e^-90 and
     * less, subnormal in float: by epoch 32 of fashion-mlp 3.6% of the loss gradient was, and every backward GEMM
     * that read it slowed (bench/RESULTS.md). 1e-30 leaves products with a few layers of weights normal, and
     * such an entry adds less than float's resolution to any parameter gradient that anything else feeds.
     */
    public static final float LOSS_GRADIENT = 1e-30f;

    private TinyValues() {
    }

    public static float flushed(float x, float tiny) {
        return Math.abs(x) < tiny ? 0f : x;
    }

    /** The same thresholds in double, so both precisions agree on which values count. */
    public static double flushed(double x, float tiny) {
        return Math.abs(x) < tiny ? 0.0 : x;
    }
}
