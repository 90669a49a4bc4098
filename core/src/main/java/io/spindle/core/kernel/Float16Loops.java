package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * IEEE 754 binary16 to and from float32 (Java 17 has no Float.floatToFloat16), round to nearest even. NaN keeps its
 * sign and the top of its payload; a finite value beyond the largest half rounds to infinity. The loops run SIMD when
 * {@link Simd#available()}, with the bits of {@link #toFloat} and {@link #fromFloat} lane by lane: rows stored as
 * float16 decoded in one pass each, and the ring's float16 wire format cast, reduced and passed on as
 * {@link Bfloat16Loops} does for bfloat16, over buffers from {@link Memory#of}.
 */
public final class Float16Loops {
    /** The largest finite half. */
    public static final float MAX = 65504f;

    private Float16Loops() {
    }

    /** {@code out[i] = half(in[inFrom + i])} for i in [0, n). */
    public static void encode(ByteBuffer in, int inFrom, ByteBuffer out, int n) {
        if (Simd.available()) {
            VectorFloat16.encode(in, inFrom, out, n);
        } else {
            scalarEncode(in, inFrom, out, 0, n);
        }
    }

    /** {@code out[outFrom + i] = float(in[i])} for i in [0, n): exact. */
    public static void decode(ByteBuffer in, ByteBuffer out, int outFrom, int n) {
        if (Simd.available()) {
            VectorFloat16.addInto(out, outFrom, in, n, 1, false);
        } else {
            scalarAddInto(out, outFrom, in, 0, n, 1, false);
        }
    }

    /** {@code out[outFrom + i] = (out[outFrom + i] + float(in[i])) / divisor} for i in [0, n), no division by 1. */
    public static void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor) {
        if (Simd.available()) {
            VectorFloat16.addInto(out, outFrom, in, n, divisor, true);
        } else {
            scalarAddInto(out, outFrom, in, 0, n, divisor, true);
        }
    }

    /**
     * {@code addInto}, and the half of each result into {@code wire[wireFrom + i]} in the same pass; with {@code round}
     * the float32 result is replaced by that half's value. The bits are those of {@code addInto}, then {@code encode}
     * (then {@code decode}, with {@code round}).
     */
    public static void addIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor,
                                        ByteBuffer wire, int wireFrom, boolean round) {
        if (Simd.available()) {
            VectorFloat16.addIntoAndEncode(out, outFrom, in, n, divisor, wire, wireFrom, round);
        } else {
            scalarAddIntoAndEncode(out, outFrom, in, 0, n, divisor, wire, wireFrom, round);
        }
    }

    /**
     * {@code out[outFrom + i] = toFloat(half i)} for i in [0, n), the halves in native byte order from byte
     * {@code inFrom} of {@code in}: exact.
     */
    public static void decode(byte[] in, int inFrom, float[] out, int outFrom, int n) {
        if (Simd.available()) {
            VectorFloat16.decode(in, inFrom, out, outFrom, n);
        } else {
            scalarDecode(in, inFrom, out, outFrom, 0, n);
        }
    }

    static void scalarDecode(byte[] in, int inFrom, float[] out, int outFrom, int from, int n) {
        for (int i = from; i < n; i++) {
            int at = inFrom + 2 * i;
            short half = NATIVE_LITTLE_ENDIAN
                    ? (short) ((in[at] & 0xff) | (in[at + 1] << 8))
                    : (short) ((in[at] << 8) | (in[at + 1] & 0xff));
            out[outFrom + i] = toFloat(half);
        }
    }

    static void scalarEncode(ByteBuffer in, int inFrom, ByteBuffer out, int from, int n) {
        for (int i = from; i < n; i++) out.putShort(i * 2, fromFloat(in.getFloat((inFrom + i) * 4)));
    }

    static void scalarAddInto(ByteBuffer out, int outFrom, ByteBuffer in, int from, int n, float divisor, boolean add) {
        for (int i = from; i < n; i++) {
            int at = (outFrom + i) * 4;
            float value = toFloat(in.getShort(i * 2));
            float sum = add ? out.getFloat(at) + value : value;
            out.putFloat(at, divisor == 1 ? sum : sum / divisor);
        }
    }

    static void scalarAddIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int from, int n, float divisor,
                                       ByteBuffer wire, int wireFrom, boolean round) {
        for (int i = from; i < n; i++) {
            int at = (outFrom + i) * 4;
            float sum = out.getFloat(at) + toFloat(in.getShort(i * 2));
            float result = divisor == 1 ? sum : sum / divisor;
            short half = fromFloat(result);
            wire.putShort((wireFrom + i) * 2, half);
            out.putFloat(at, round ? toFloat(half) : result);
        }
    }

    private static final boolean NATIVE_LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** The float a half stands for: exact. */
    public static float toFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exp = (half & 0x7c00) >>> 10;
        int mantissa = half & 0x03ff;
        if (exp == 0) {
            // Zero or subnormal: mantissa * 2^-24 is exact in float32.
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mantissa << 13));
    }

    /** The half nearest {@code f}, ties to even. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        short sign = (short) ((bits >>> 16) & 0x8000);
        if (Float.isNaN(f)) return (short) (sign | 0x7c00 | 0x0200 | ((bits >>> 13) & 0x03ff));
        float abs = Math.abs(f);
        // At or beyond the midpoint between the largest half and 2^16 rounds to infinity.
        if (abs >= 0x1.ffep15f) return (short) (sign | 0x7c00);
        // At or below half the smallest subnormal rounds to zero (the tie goes to the even zero).
        if (abs <= 0x1p-25f) return sign;
        int exp = Math.getExponent(f);
        int shift = 13;
        int significand = bits & 0x007fffff;
        if (exp < -14) {
            // A subnormal half: the implicit bit becomes explicit and the significand shifts further right.
            shift += -14 - exp;
            exp = -15;
            significand |= 0x00800000;
        }
        int half = significand >>> shift;
        int lsb = significand & (1 << shift);
        int round = significand & (1 << (shift - 1));
        int sticky = significand & ((1 << (shift - 1)) - 1);
        if (round != 0 && (lsb | sticky) != 0) half++;
        // A carry out of the significand moves into the exponent, which is what rounding up should do.
        return (short) (sign | (((exp + 15) << 10) + half));
    }
}
