package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The shifted sums: the formulas in double, and the SIMD loop's bits against the scalar twin's. */
class RowLoopsTest {
    private static final int FROM = 5, N = 8 * 13 + 3;

    @Test
    void shiftedSumsMatchTheFormulaAndTheScalarTwinBitForBit() {
        INDArray x = TestArrays.gaussian(1, DataType.FLOAT, FROM + N + 2).addi(3);
        ByteBuffer xb = Memory.of(x);
        double s = 0, q = 0;
        for (int i = FROM; i < FROM + N; i++) {
            double d = x.getFloat(i) - 3.0;
            s += d;
            q += d * d;
        }
        float[] fast = new float[2], plain = new float[2];
        RowLoops.shiftedSums(xb, FROM, N, 3f, fast);
        RowLoops.shiftedSumsFloat(xb, FROM, N, 3f, plain);
        assertArrayEquals(plain, fast);
        assertEquals(s, fast[0], 1e-4);
        assertEquals(q, fast[1], 1e-4 * q);
    }
}
