package io.spindle.core.kernel;

/**
 * exp, tanh and the logistic function in float from additions, multiplications and one division only, so that
 * the SIMD loop ({@code VectorMath#tanh}) gives the same bits lane by lane. exp: Cody-Waite reduction by ln 2 and
 * Cephes' degree-6 polynomial; tanh: Cephes' odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above.
 * Error bounds, checked against double-precision references over the float range in {@code TranscendentalsTest}:
 * exp within 2 ulp (relative 2.4e-7) on [-87, 87]; tanh within 3.0e-7 absolute and 4e-7 relative; the logistic
 * function (from tanh, and {@link #logistic} from exp) within 2e-7 absolute. Arguments are clamped to [-87, 87] first,
 * so no result is infinite or subnormal (e^-87 is normal):
 * a subnormal costs a microcode assist in every later instruction that reads it (see {@link TinyValues}).
 */
public final class Transcendentals {
    static final float CLAMP = 87f;
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that k·LN2_HI is exact for |k| < 2^9. */
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding and subtracting it rounds a float below 2^22 to the nearest integer. */
    static final float ROUNDER = 12582912f;
    /** ROUNDER's bits less the exponent bias: (bits of ROUNDER + k) − this = k + 127. */
    static final int ROUNDER_BITS = 0x4B400000 - 127;
    static final float E1 = 1.9875691500e-4f, E2 = 1.3981999507e-3f, E3 = 8.3334519073e-3f,
            E4 = 4.1665795894e-2f, E5 = 1.6666665459e-1f, E6 = 5.0000001201e-1f;
    static final float SMALL_TANH = 0.625f;
    static final float T1 = -5.70498872745e-3f, T2 = 2.06390887954e-2f, T3 = -5.37397155531e-2f,
            T4 = 1.33314422036e-1f, T5 = -3.33332819422e-1f;

    private Transcendentals() {
    }

    /** e^x for x clamped to [-87, 87]; NaN stays NaN. */
    public static float exp(float x) {
        float c = Math.min(Math.max(x, -CLAMP), CLAMP);   // NaN stays NaN through both
        float shifted = c * LOG2E + ROUNDER, k = shifted - ROUNDER;
        float r = (c - k * LN2_HI) - k * LN2_LO;
        float p = ((((E1 * r + E2) * r + E3) * r + E4) * r + E5) * r + E6;
        float y = (p * (r * r) + r) + 1f;
        // The low bits of ROUNDER + k are k itself: 2^k without a float-to-int conversion.
        return y * Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - ROUNDER_BITS) << 23);
    }

    public static float tanh(float x) {
        float a = Math.abs(x);
        if (a < SMALL_TANH) {
            float z = x * x;
            return ((((T1 * z + T2) * z + T3) * z + T4) * z + T5) * z * x + x;
        }
        float t = 1f - 2f / (exp(a + a) + 1f);
        return x < 0 ? -t : t;
    }

    /** The logistic function as ½ + ½·tanh(x/2), the form the activation layers use: within 2e-7 absolute. */
    public static float sigmoid(float x) {
        return tanh(x * 0.5f) * 0.5f + 0.5f;
    }

    /**
     * The logistic function as 1/(e^{−x} + 1), the recurrent gates' form: one exp and one division, about half of
     * tanh's operations, within 2e-7 absolute (no cancellation: e^{−x} + 1 ≥ 1). Not the same bits as {@link #sigmoid}.
     */
    public static float logistic(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /** {@code tanh(x·a)·b + c}: tanh (a = b = 1, c = 0) and the logistic function (½, ½, ½) in one form, as the SIMD loop takes them. */
    static float tanh(float x, float a, float b, float c) {
        return tanh(x * a) * b + c;
    }
}
