package io.spindle.core.kernel;

/**
 * uint8 codes to floats, {@code offset[j] + code / divisor[j]} in float32 arithmetic, per feature j: the one
 * conversion of rows stored as bytes (an IDX pixel is {@code code / 255f}). The offset is added even where it is 0:
 * the quotient is never negative, so adding a zero of either sign leaves its bits. SIMD when {@link Simd#available()},
 * with the bits of {@link #value} lane by lane.
 */
public final class Uint8Loops {
    private Uint8Loops() {
    }

    /** {@code out[outFrom + j] = value(code j, divisor[j], offset[j])} for j in [0, n), the codes from {@code in[inFrom]}. */
    public static void decode(byte[] in, int inFrom, float[] divisor, float[] offset, float[] out, int outFrom, int n) {
        if (divisor.length < n || offset.length < n) {
            throw new IllegalArgumentException(n + " codes but " + divisor.length + " divisors and " + offset.length + " offsets");
        }
        if (Simd.available()) {
            VectorUint8.decode(in, inFrom, divisor, offset, out, outFrom, n);
        } else {
            scalarDecode(in, inFrom, divisor, offset, out, outFrom, 0, n);
        }
    }

    /** The float a code stands for. */
    public static float value(int code, float divisor, float offset) {
        return offset + code / divisor;
    }

    static void scalarDecode(byte[] in, int inFrom, float[] divisor, float[] offset, float[] out, int outFrom, int from, int n) {
        for (int j = from; j < n; j++) out[outFrom + j] = value(in[inFrom + j] & 0xff, divisor[j], offset[j]);
    }
}
