package io.spindle.core.kernel;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bfloat16LoopsTest {
    private static final int N = 1003;   // not a multiple of any vector length: the scalar tail runs too

    @Test
    void roundsToNearestTiesToEvenAndKeepsNaNs() {
        assertEquals((short) 0x3F80, Bfloat16Loops.toBfloat16(1f));
        assertEquals((short) 0x3F80, Bfloat16Loops.toBfloat16(Float.intBitsToFloat(0x3F808000)), "a tie rounds to the even 0x3F80");
        assertEquals((short) 0x3F82, Bfloat16Loops.toBfloat16(Float.intBitsToFloat(0x3F818000)), "a tie rounds to the even 0x3F82");
        assertEquals((short) 0x3F81, Bfloat16Loops.toBfloat16(Float.intBitsToFloat(0x3F808001)), "above the tie rounds up");
        assertEquals((short) 0x7F80, Bfloat16Loops.toBfloat16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x7F80, Bfloat16Loops.toBfloat16(Float.MAX_VALUE), "past bfloat16's largest finite value: infinity");
        assertTrue(Float.isNaN(Bfloat16Loops.fromBfloat16(Bfloat16Loops.toBfloat16(Float.intBitsToFloat(0x7F800001)))),
                "a NaN whose payload sits in the low half stays a NaN, not infinity");
        assertEquals(-2.5f, Bfloat16Loops.fromBfloat16(Bfloat16Loops.toBfloat16(-2.5f)));
    }

    /** The SIMD loops (when the JVM has them) give, lane by lane, the bits of the scalar definition. */
    @Test
    void theLoopsGiveTheScalarDefinitionsBits() {
        float[] values = values(7);
        ByteBuffer in = floats(values, 3), wire = direct(N * 2), out = floats(values(8), 0);
        Bfloat16Loops.encode(in, 3, wire, N);
        for (int i = 0; i < N; i++) assertEquals(Bfloat16Loops.toBfloat16(values[i]), wire.getShort(i * 2), "encode " + i);

        float[] before = new float[N];
        for (int i = 0; i < N; i++) before[i] = out.getFloat(i * 4);
        Bfloat16Loops.addInto(out, 0, wire, N, 3);
        for (int i = 0; i < N; i++) {
            float expected = (before[i] + Bfloat16Loops.fromBfloat16(wire.getShort(i * 2))) / 3;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out.getFloat(i * 4)), "addInto " + i);
        }
        Bfloat16Loops.decode(wire, out, 0, N);
        for (int i = 0; i < N; i++) assertEquals(Bfloat16Loops.fromBfloat16(wire.getShort(i * 2)), out.getFloat(i * 4), "decode " + i);
    }

    /** The fused reduction gives the bits of addInto then encode (then decode, when it rounds), at any offsets. */
    @Test
    void addIntoAndEncodeGivesTheBitsOfItsParts() {
        ByteBuffer received = direct(N * 2);
        Bfloat16Loops.encode(floats(values(9), 0), 0, received, N);
        for (boolean round : new boolean[] {false, true}) {
            for (float divisor : new float[] {1, 3}) {
                ByteBuffer fused = floats(values(10), 2), parts = floats(values(10), 2);
                ByteBuffer fusedWire = direct((N + 5) * 2), partsWire = direct((N + 5) * 2);
                Bfloat16Loops.addIntoAndEncode(fused, 2, received, N, divisor, fusedWire, 5, round);
                Bfloat16Loops.addInto(parts, 2, received, N, divisor);
                Bfloat16Loops.encode(parts, 2, partsWire.slice(10, N * 2).order(ByteOrder.nativeOrder()), N);
                if (round) Bfloat16Loops.decode(partsWire.slice(10, N * 2).order(ByteOrder.nativeOrder()), parts, 2, N);
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
        for (int i = 0; i < N; i++) v[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-8, 8)));
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
