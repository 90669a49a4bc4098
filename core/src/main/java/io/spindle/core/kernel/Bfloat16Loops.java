package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * float32 to and from bfloat16 (the upper half of a float32, rounded to nearest even; a NaN stays a NaN) over
 * buffers from {@link Memory#of}, SIMD when {@link Simd#available()}: the ring's 16-bit wire format, cast in one
 * pass each way instead of a native cast plus a mixed-type native add per piece.
 */
public final class Bfloat16Loops {
    private Bfloat16Loops() {
    }

    /** {@code out[i] = bf16(in[inFrom + i])} for i in [0, n). */
    public static void encode(ByteBuffer in, int inFrom, ByteBuffer out, int n) {
        if (Simd.available()) {
            VectorBfloat16.encode(in, inFrom, out, n);
        } else {
            scalarEncode(in, inFrom, out, 0, n);
        }
    }

    /** {@code out[outFrom + i] = float(in[i])} for i in [0, n): exact. */
    public static void decode(ByteBuffer in, ByteBuffer out, int outFrom, int n) {
        if (Simd.available()) {
            VectorBfloat16.addInto(out, outFrom, in, n, 1, false);
        } else {
            scalarAddInto(out, outFrom, in, 0, n, 1, false);
        }
    }

    /**
     * {@code out[outFrom + i] = (out[outFrom + i] + float(in[i])) / divisor} for i in [0, n), without the division when
     * {@code divisor} is 1: a received bfloat16 piece added into a ring's float32 chunk.
     */
    public static void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor) {
        if (Simd.available()) {
            VectorBfloat16.addInto(out, outFrom, in, n, divisor, true);
        } else {
            scalarAddInto(out, outFrom, in, 0, n, divisor, true);
        }
    }

    /**
     * {@code addInto}, and the bfloat16 of each result into {@code wire[wireFrom + i]} in the same pass: a ring rank's
     * reduction of a received piece, with the bytes it passes on. With {@code round} the float32 result is replaced by
     * the bfloat16 it sends (the owner of a chunk keeps the bits every other rank will receive). The bits are those of
     * {@code addInto}, then {@code encode} (then {@code decode}, with {@code round}).
     */
    public static void addIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor,
                                        ByteBuffer wire, int wireFrom, boolean round) {
        if (Simd.available()) {
            VectorBfloat16.addIntoAndEncode(out, outFrom, in, n, divisor, wire, wireFrom, round);
        } else {
            scalarAddIntoAndEncode(out, outFrom, in, 0, n, divisor, wire, wireFrom, round);
        }
    }

    /** The bfloat16 bits of {@code value}: rounded to nearest, ties to even; a NaN stays a (quiet) NaN. */
    public static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    public static float fromBfloat16(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    static void scalarEncode(ByteBuffer in, int inFrom, ByteBuffer out, int from, int n) {
        for (int i = from; i < n; i++) out.putShort(i * 2, toBfloat16(in.getFloat((inFrom + i) * 4)));
    }

    static void scalarAddIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int from, int n, float divisor,
                                       ByteBuffer wire, int wireFrom, boolean round) {
        for (int i = from; i < n; i++) {
            int at = (outFrom + i) * 4;
            float sum = out.getFloat(at) + fromBfloat16(in.getShort(i * 2));
            float result = divisor == 1 ? sum : sum / divisor;
            short half = toBfloat16(result);
            wire.putShort((wireFrom + i) * 2, half);
            out.putFloat(at, round ? fromBfloat16(half) : result);
        }
    }

    static void scalarAddInto(ByteBuffer out, int outFrom, ByteBuffer in, int from, int n, float divisor, boolean add) {
        for (int i = from; i < n; i++) {
            int at = (outFrom + i) * 4;
            float value = fromBfloat16(in.getShort(i * 2));
            float sum = add ? out.getFloat(at) + value : value;
            out.putFloat(at, divisor == 1 ? sum : sum / divisor);
        }
    }
}
