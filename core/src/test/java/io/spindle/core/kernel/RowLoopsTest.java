package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The normalisation passes: the formulas in double, and the SIMD loops' bits against the scalar twins. */
class RowLoopsTest {
    private static final int FROM = 5, N = 8 * 13 + 3;

    @Test
    void passesMatchTheFormulasAndTheirScalarTwinsBitForBit() {
        INDArray x = TestArrays.gaussian(1, DataType.FLOAT, FROM + N + 2).addi(3), dy = TestArrays.gaussian(2, DataType.FLOAT, FROM + N + 2);
        ByteBuffer xb = Memory.of(x), gb = Memory.of(dy);
        float mean = 2.9f, invStd = 1.1f;
        double s = 0, q = 0, gs = 0, gp = 0;
        for (int i = FROM; i < FROM + N; i++) {
            double d = x.getFloat(i) - 3.0, g = dy.getFloat(i);
            s += d;
            q += d * d;
            gs += g;
            gp += g * (x.getFloat(i) - mean) * invStd;
        }
        float[] fast = new float[2], plain = new float[2];
        RowLoops.shiftedSums(xb, FROM, N, 3f, fast);
        RowLoops.shiftedSumsFloat(xb, FROM, N, 3f, plain);
        assertArrayEquals(plain, fast);
        assertEquals(s, fast[0], 1e-4);
        assertEquals(q, fast[1], 1e-4 * q);
        RowLoops.gradientSums(gb, xb, FROM, N, mean, invStd, fast);
        RowLoops.gradientSumsFloat(gb, xb, FROM, N, mean, invStd, plain);
        assertArrayEquals(plain, fast);
        assertEquals(gs, fast[0], 1e-4);
        assertEquals(gp, fast[1], 1e-4);

        INDArray y = x.ulike().assign(-7), yPlain = x.ulike().assign(-7);
        RowLoops.normalize(xb, Memory.of(y), FROM, N, mean, invStd, 0.7f, -0.2f);
        RowLoops.normalizeFloat(xb, Memory.of(yPlain), FROM, FROM + N, mean, invStd, 0.7f, -0.2f);
        assertArrayEquals(yPlain.toFloatVector(), y.toFloatVector());
        assertEquals(-7f, y.getFloat(FROM - 1), "outside the row is left alone");
        assertEquals(((x.getFloat(FROM) - mean) * invStd) * 0.7f - 0.2f, y.getFloat(FROM), 1e-6);
        RowLoops.normalizeBackward(gb, xb, Memory.of(y), FROM, N, mean, invStd, 0.1f, 0.3f, 1.7f);
        RowLoops.normalizeBackwardFloat(gb, xb, Memory.of(yPlain), FROM, FROM + N, mean, invStd, 0.1f, 0.3f, 1.7f);
        assertArrayEquals(yPlain.toFloatVector(), y.toFloatVector());
        assertEquals(((dy.getFloat(FROM + N - 1) - 0.1f) - (x.getFloat(FROM + N - 1) - mean) * invStd * 0.3f) * 1.7f, y.getFloat(FROM + N - 1), 1e-5);
    }
}
