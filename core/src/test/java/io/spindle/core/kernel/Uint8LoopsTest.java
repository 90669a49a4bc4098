package io.spindle.core.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Uint8LoopsTest {
    private static final int N = 1003;   // not a multiple of any vector length: the scalar tail runs too

    /**
     * Every code, per-feature divisors and offsets (zeros of both signs among them), at offsets into both arrays: the
     * loops give the bits of the definition, which are those of the quotient alone where the offset is a zero.
     */
    @Test
    void decodingGivesTheDefinitionsBits() {
        SplittableRandom rng = new SplittableRandom(4);
        byte[] codes = new byte[2 + N];
        float[] divisor = new float[N], offset = new float[N];
        for (int j = 0; j < N; j++) {
            codes[2 + j] = (byte) (j % 256);
            divisor[j] = j % 3 == 0 ? 255f : (float) (0.01 + rng.nextDouble() * 300);
            offset[j] = switch (j % 4) {
                case 0 -> 0f;
                case 1 -> -0f;
                default -> (float) ((rng.nextDouble() - 0.5) * 10);
            };
        }
        float[] loops = new float[3 + N], scalar = new float[3 + N];
        Uint8Loops.decode(codes, 2, divisor, offset, loops, 3, N);
        Uint8Loops.scalarDecode(codes, 2, divisor, offset, scalar, 3, 0, N);
        for (int j = 0; j < N; j++) {
            float quotient = (j % 256) / divisor[j];
            float expected = offset[j] == 0f ? quotient : offset[j] + quotient;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(loops[3 + j]), "code " + (j % 256) + " of feature " + j);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(scalar[3 + j]), "scalar, feature " + j);
        }
        assertEquals(0f, loops[2], "nothing before outFrom is written");
    }

    @Test
    void anIdxPixelIsItsCodeOver255() {
        byte[] codes = new byte[256];
        for (int c = 0; c < 256; c++) codes[c] = (byte) c;
        float[] divisor = new float[256], offset = new float[256], out = new float[256];
        java.util.Arrays.fill(divisor, 255f);
        Uint8Loops.decode(codes, 0, divisor, offset, out, 0, 256);
        for (int c = 0; c < 256; c++) assertEquals(Float.floatToRawIntBits(c / 255f), Float.floatToRawIntBits(out[c]), "pixel " + c);
        assertThrows(IllegalArgumentException.class, () -> Uint8Loops.decode(codes, 0, new float[3], offset, out, 0, 256));
    }
}
