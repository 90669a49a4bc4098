package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * The loops of a 16-bit float format ({@link Bfloat16Loops}, {@link Float16Loops}), chosen by value: a ring's 16-bit
 * wire format casts, reduces and passes on its pieces through the same calls whichever format it carries.
 */
public enum HalfFloats {
    BFLOAT16, FLOAT16;

    /** {@code out[i] = half(in[inFrom + i])} for i in [0, n). */
    public void encode(ByteBuffer in, int inFrom, ByteBuffer out, int n) {
        if (this == BFLOAT16) {
            Bfloat16Loops.encode(in, inFrom, out, n);
        } else {
            Float16Loops.encode(in, inFrom, out, n);
        }
    }

    /** {@code out[outFrom + i] = float(in[i])} for i in [0, n): exact. */
    public void decode(ByteBuffer in, ByteBuffer out, int outFrom, int n) {
        if (this == BFLOAT16) {
            Bfloat16Loops.decode(in, out, outFrom, n);
        } else {
            Float16Loops.decode(in, out, outFrom, n);
        }
    }

    /** {@code out[outFrom + i] = (out[outFrom + i] + float(in[i])) / divisor} for i in [0, n), no division by 1. */
    public void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor) {
        if (this == BFLOAT16) {
            Bfloat16Loops.addInto(out, outFrom, in, n, divisor);
        } else {
            Float16Loops.addInto(out, outFrom, in, n, divisor);
        }
    }

    /** {@code addInto} and the half of each result into {@code wire[wireFrom + i]} in one pass, as the format's loops define it. */
    public void addIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor, ByteBuffer wire, int wireFrom, boolean round) {
        if (this == BFLOAT16) {
            Bfloat16Loops.addIntoAndEncode(out, outFrom, in, n, divisor, wire, wireFrom, round);
        } else {
            Float16Loops.addIntoAndEncode(out, outFrom, in, n, divisor, wire, wireFrom, round);
        }
    }
}
