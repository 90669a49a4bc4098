package io.spindle.core.kernel;

/**
 * Values too small to move a parameter, which the optimizer kernels make exactly zero. Left alone, the moments of
 * a weight whose gradient is (nearly) always zero (an image's corner pixels, a dead ReLU) decay geometrically into
 * float's subnormal range, where x86 arithmetic takes a microcode assist per instruction: with 3.5% of
 * fashion-mlp's Adam moments subnormal after one epoch, the whole SIMD update ran ~8x slower. The kernels compare
 * before they multiply (compares take no assist), so no subnormal is ever made.
 */
final class TinyValues {
    /** A gradient below this is zero: its square times (1-β) stays a normal float for β up to 1 - 1e-6. */
    static final float GRADIENT = 1e-16f;
    /** A running average below this is zero: times β it stays a normal float, and no sum of two such is subnormal. */
    static final float AVERAGE = 1e-30f;

    private TinyValues() {
    }

    static float flushed(float x, float tiny) {
        return Math.abs(x) < tiny ? 0f : x;
    }

    /** The same thresholds in double, so both precisions agree on which values count. */
    static double flushed(double x, float tiny) {
        return Math.abs(x) < tiny ? 0.0 : x;
    }
}
