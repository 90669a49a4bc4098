package io.spindle.core.data.store;

import io.spindle.core.data.DataFormatException;
import io.spindle.core.kernel.Float16Loops;
import io.spindle.core.kernel.Uint8Loops;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The one conversion between stored values and the floats a batch holds. float32 and float16 values are the floats
 * themselves (float16 rounded to nearest even). A uint8 code of feature j is {@code offset[j] + code / divisor[j]}, in
 * float32 arithmetic ({@link Uint8Loops#value}): an IDX pixel is {@code code / 255f}, exactly what the IDX reader has
 * always made. Encoding checks the round trip, so a value storage cannot hold is an error, never clamped.
 */
public final class ValueCodec implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Encoding encoding;
    private final float[] divisor, offset;
    private final float[] table;   // uint8 with one divisor and offset for every feature: the 256 floats, precomputed

    private ValueCodec(Encoding encoding, float[] divisor, float[] offset) {
        this.encoding = encoding;
        this.divisor = divisor;
        this.offset = offset;
        this.table = encoding == Encoding.UINT8 && uniform(divisor) && uniform(offset) && divisor.length > 0 ? lookup(divisor[0], offset[0]) : null;
    }

    /** Values stored as they are (float64, float32) or as the nearest half (float16). */
    public static ValueCodec plain(Encoding encoding) {
        if (encoding == Encoding.UINT8) throw new IllegalArgumentException("uint8 needs a divisor and an offset per feature");
        return new ValueCodec(encoding, new float[0], new float[0]);
    }

    /** uint8 codes with the same divisor and offset for all {@code width} features (IDX pixels: divisor 255, offset 0). */
    public static ValueCodec uint8(int width, float divisor, float offset) {
        float[] d = new float[width], o = new float[width];
        Arrays.fill(d, divisor);
        Arrays.fill(o, offset);
        return uint8(d, o);
    }

    /** uint8 codes with a divisor and an offset per feature. */
    public static ValueCodec uint8(float[] divisor, float[] offset) {
        if (divisor.length != offset.length) throw new IllegalArgumentException(divisor.length + " divisors but " + offset.length + " offsets");
        for (float d : divisor) {
            if (!(d > 0) || Float.isInfinite(d)) throw new IllegalArgumentException("a uint8 divisor must be finite and > 0, got " + d);
        }
        return new ValueCodec(Encoding.UINT8, divisor.clone(), offset.clone());
    }

    /** The codec for values stored as {@code encoding} with no scaling: uint8 means the integers 0..255 themselves. */
    public static ValueCodec of(Encoding encoding, int width) {
        return encoding == Encoding.UINT8 ? uint8(width, 1f, 0f) : plain(encoding);
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Per-feature divisors (uint8 only; empty otherwise). */
    public float[] divisors() {
        return divisor.clone();
    }

    /** Per-feature offsets (uint8 only; empty otherwise). */
    public float[] offsets() {
        return offset.clone();
    }

    /** The float a uint8 {@code code} of {@code feature} stands for. */
    public float decode(int code, int feature) {
        if (table != null) return table[code];
        return value(code, divisor[feature], offset[feature]);
    }

    private static float value(int code, float divisor, float offset) {
        return Uint8Loops.value(code, divisor, offset);
    }

    private static float[] lookup(float divisor, float offset) {
        float[] t = new float[256];
        for (int c = 0; c < 256; c++) t[c] = value(c, divisor, offset);
        return t;
    }

    private static boolean uniform(float[] a) {
        for (float v : a) if (Float.floatToIntBits(v) != Float.floatToIntBits(a[0])) return false;
        return true;
    }

    /**
     * Writes {@code v}, feature {@code feature} of source row {@code row}, at byte {@code at} of {@code out}. A value the
     * storage cannot hold (300 or 2.5 as uint8, 1e6 as float16) fails naming the feature, the row and the value.
     */
    public void encode(float v, int feature, long row, ByteBuffer out, int at) throws DataFormatException {
        switch (encoding) {
            case FLOAT64 -> out.putDouble(at, v);
            case FLOAT32 -> out.putFloat(at, v);
            case FLOAT16 -> {
                if (Math.abs(v) > Float16Loops.MAX && Float.isFinite(v)) throw unfit(v, feature, row, "float16 holds magnitudes up to 65504");
                out.putShort(at, Float16Loops.fromFloat(v));
            }
            case UINT8 -> {
                long code = Math.round((double) (v - offset[feature]) * divisor[feature]);
                if (code < 0 || code > 255 || decode((int) code, feature) != v) {
                    throw unfit(v, feature, row, divisor[feature] == 1f && offset[feature] == 0f ? "uint8 holds the integers 0..255"
                            : "uint8 holds " + offset[feature] + " + k / " + divisor[feature] + " for the integers k in 0..255");
                }
                out.put(at, (byte) code);
            }
        }
    }

    private DataFormatException unfit(float v, int feature, long row, String holds) {
        return new DataFormatException("data.storage " + encoding.label(), "feature column " + feature + " of row " + row
                + " holds " + v + ", which " + encoding.label() + " storage cannot hold exactly (" + holds
                + "); choose data.storage float32" + (encoding == Encoding.UINT8 ? " or float16" : ""));
    }

    /** Decodes {@code width} stored values at byte {@code from} of {@code in} into floats (or doubles) at byte {@code to} of {@code out}. */
    void decodeRow(ByteBuffer in, int from, int width, ByteBuffer out, int to, boolean doubles) {
        if (doubles) {
            for (int j = 0; j < width; j++) out.putDouble(to + 8 * j, valueAt(in, from, j));
            return;
        }
        switch (encoding) {
            case FLOAT64 -> {
                for (int j = 0; j < width; j++) out.putFloat(to + 4 * j, (float) in.getDouble(from + 8 * j));
            }
            case FLOAT32 -> out.put(to, in, from, 4 * width);
            case FLOAT16 -> {
                for (int j = 0; j < width; j++) out.putFloat(to + 4 * j, Float16Loops.toFloat(in.getShort(from + 2 * j)));
            }
            case UINT8 -> {
                if (table != null) {
                    for (int j = 0; j < width; j++) out.putFloat(to + 4 * j, table[in.get(from + j) & 0xff]);
                } else {
                    for (int j = 0; j < width; j++) out.putFloat(to + 4 * j, value(in.get(from + j) & 0xff, divisor[j], offset[j]));
                }
            }
        }
    }

    /**
     * Decodes {@code width} uint8 or float16 values at byte {@code from} of {@code in} into {@code out[0, width)}, through
     * {@code codes} (scratch of at least 2 x width bytes): plain arrays, which the JIT loops over faster than buffers.
     */
    void decodeRow(ByteBuffer in, int from, int width, byte[] codes, float[] out) {
        if (encoding == Encoding.UINT8) {
            in.get(from, codes, 0, width);
            Uint8Loops.decode(codes, 0, divisor, offset, out, 0, width);
            return;
        }
        in.get(from, codes, 0, 2 * width);
        Float16Loops.decode(codes, 0, out, 0, width);
    }

    private double valueAt(ByteBuffer in, int from, int j) {
        return switch (encoding) {
            case FLOAT64 -> in.getDouble(from + 8 * j);
            case FLOAT32 -> in.getFloat(from + 4 * j);
            case FLOAT16 -> Float16Loops.toFloat(in.getShort(from + 2 * j));
            case UINT8 -> decode(in.get(from + j) & 0xff, j);
        };
    }
}
