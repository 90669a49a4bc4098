package io.spindle.core.kernel;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Float16LoopsTest {
    private static final int ALL = 65536;
    private static final int N = 1003;   // not a multiple of any vector length: the scalar tail runs too

    /** Every half, at an odd byte offset and with a scalar tail, decodes to the bits of the scalar definition. */
    @Test
    void decodingEveryHalfGivesTheScalarDefinitionsBits() {
        int inFrom = 3, outFrom = 5, n = ALL - 3;   // not a multiple of any vector length
        byte[] in = new byte[inFrom + 2 * ALL];
        ByteBuffer halves = ByteBuffer.wrap(in).order(ByteOrder.nativeOrder());
        for (int h = 0; h < ALL; h++) halves.putShort(inFrom + 2 * h, (short) h);
        float[] loops = new float[outFrom + n], scalar = new float[outFrom + n];
        Float16Loops.decode(in, inFrom, loops, outFrom, n);
        Float16Loops.scalarDecode(in, inFrom, scalar, outFrom, 0, n);
        for (int h = 0; h < n; h++) {
            int expected = Float.floatToRawIntBits(Float16Loops.toFloat((short) h));
            assertEquals(expected, Float.floatToRawIntBits(loops[outFrom + h]), "decode of half 0x" + Integer.toHexString(h));
            assertEquals(expected, Float.floatToRawIntBits(scalar[outFrom + h]), "scalar decode of half 0x" + Integer.toHexString(h));
        }
        assertEquals(0, Float.floatToRawIntBits(loops[outFrom - 1]), "nothing before outFrom is written");
    }

    @Test
    void theDefinitionCoversZerosSubnormalsInfinitiesAndNaNs() {
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Float16Loops.toFloat((short) 0x8000)));
        assertEquals(0x1p-24f, Float16Loops.toFloat((short) 0x0001), "the smallest subnormal");
        assertEquals(-0x1.ff8p-15f, Float16Loops.toFloat((short) 0x83ff), "the largest negative subnormal");
        assertEquals(0x1p-14f, Float16Loops.toFloat((short) 0x0400), "the smallest normal");
        assertEquals(Float16Loops.MAX, Float16Loops.toFloat((short) 0x7bff));
        assertEquals(Float.NEGATIVE_INFINITY, Float16Loops.toFloat((short) 0xfc00));
        assertEquals(0x7fc02000, Float.floatToRawIntBits(Float16Loops.toFloat((short) 0x7e01)), "a NaN keeps its payload's top");
    }

    /**
     * Encoding rounds to nearest even like the scalar definition, lane by lane: every half's value, the ties halfway to
     * its neighbour and one float either side of them, overflow, float32 subnormals and NaNs.
     */
    @Test
    void encodingGivesTheScalarDefinitionsBits() {
        float[] values = new float[8 * 0x7c00 + 8];
        int k = 0;
        for (int h = 0; h < 0x7c00; h++) {
            float value = Float16Loops.toFloat((short) h), next = Float16Loops.toFloat((short) (h + 1));
            float tie = (float) (((double) value + next) / 2);
            values[k++] = value;
            values[k++] = -tie;
            values[k++] = tie;
            values[k++] = Math.nextDown(tie);
            values[k++] = Math.nextUp(tie);
            values[k++] = -Math.nextUp(value);
            values[k++] = Float.intBitsToFloat(0x7f800001 + h);   // NaNs with every payload's top
            values[k++] = Float.MIN_VALUE * h;                     // float32 subnormals
        }
        float[] specials = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 65520f, Math.nextDown(65520f), 1e9f, -1e-30f, -0f, Float.NaN};
        System.arraycopy(specials, 0, values, k, specials.length);
        ByteBuffer in = floats(values, 3), out = direct(values.length * 2);
        Float16Loops.encode(in, 3, out, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float16Loops.fromFloat(values[i]), out.getShort(i * 2), "encode " + values[i] + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(values[i])) + ")");
        }
    }

    /** The ring's loops give the bits of their scalar definitions; the fused one gives those of its parts. */
    @Test
    void theRingsLoopsGiveTheBitsOfTheirDefinitions() {
        ByteBuffer received = direct(N * 2);
        Float16Loops.encode(floats(values(9), 0), 0, received, N);
        ByteBuffer out = floats(values(8), 2);
        float[] before = new float[N];
        for (int i = 0; i < N; i++) before[i] = out.getFloat((2 + i) * 4);
        Float16Loops.addInto(out, 2, received, N, 3);
        for (int i = 0; i < N; i++) {
            float expected = (before[i] + Float16Loops.toFloat(received.getShort(i * 2))) / 3;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out.getFloat((2 + i) * 4)), "addInto " + i);
        }
        Float16Loops.decode(received, out, 2, N);
        for (int i = 0; i < N; i++) {
            assertEquals(Float.floatToRawIntBits(Float16Loops.toFloat(received.getShort(i * 2))), Float.floatToRawIntBits(out.getFloat((2 + i) * 4)), "decode " + i);
        }
        for (boolean round : new boolean[] {false, true}) {
            for (float divisor : new float[] {1, 3}) {
                ByteBuffer fused = floats(values(10), 2), parts = floats(values(10), 2);
                ByteBuffer fusedWire = direct((N + 5) * 2), partsWire = direct((N + 5) * 2);
                Float16Loops.addIntoAndEncode(fused, 2, received, N, divisor, fusedWire, 5, round);
                Float16Loops.addInto(parts, 2, received, N, divisor);
                ByteBuffer partsPiece = partsWire.slice(10, N * 2).order(ByteOrder.nativeOrder());
                Float16Loops.encode(parts, 2, partsPiece, N);
                if (round) Float16Loops.decode(partsPiece, parts, 2, N);
                for (int i = 0; i < N; i++) {
                    String what = (round ? "rounded" : "exact") + " / " + divisor + " at " + i;
                    assertEquals(partsWire.getShort((5 + i) * 2), fusedWire.getShort((5 + i) * 2), "wire bits, " + what);
                    assertEquals(Float.floatToRawIntBits(parts.getFloat((2 + i) * 4)), Float.floatToRawIntBits(fused.getFloat((2 + i) * 4)),
                            "result bits, " + what);
                }
            }
        }
    }

    private static float[] values(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(-28, 18)));
        v[5] = Float.NaN;
        v[6] = Float.NEGATIVE_INFINITY;
        v[7] = -0f;
        return v;
    }

    private static ByteBuffer floats(float[] values, int offset) {
        ByteBuffer b = direct((values.length + offset) * 4);
        for (int i = 0; i < values.length; i++) b.putFloat((offset + i) * 4, values[i]);
        return b;
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
