package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each kernel against what it replaces (libnd4j's op, or the plain formula), in float with the SIMD path when
 * the JVM has it, against the plain float loop bit for bit, and in double. Shapes leave tails after the lanes.
 */
class ElementwiseTest {
    private static final int ROWS = 7, COLS = 37;

    private static INDArray matrix(long seed, DataType type) {
        INDArray m = TestArrays.gaussian(seed, type, ROWS, COLS);
        m.putScalar(0, 0, 0.0);
        m.putScalar(1, 1, -0.0);
        return m;
    }

    @Test
    void reluAndItsBackwardMatchLibnd4j() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = matrix(1, type), g = matrix(2, type), out = x.ulike(), back = x.ulike();
            x.putScalar(2, 2, Double.NaN);
            Elementwise.relu(x, out);
            Elementwise.reluBackward(x, g, back);
            INDArray expected = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(x.dup()));
            assertTrue(Double.isNaN(out.getDouble(2, 2)), "a NaN goes through, as in libnd4j");
            expected.putScalar(2, 2, 0.0);
            out.putScalar(2, 2, 0.0);
            assertEquals(expected, out, type + " relu");
            for (int i = 0; i < x.length(); i++) {
                assertEquals(x.getDouble(i) > 0 ? g.getDouble(i) : 0, back.getDouble(i), type + " relu backward " + i);
            }
        }
    }

    @Test
    void biasAddAndColumnSumsMatchTheFormulas() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
            INDArray y = matrix(3, type), bias = TestArrays.gaussian(4, type, 1, COLS), sums = TestArrays.gaussian(5, type, 1, COLS);
            INDArray expectedY = y.addRowVector(bias), expectedSums = sums.add(y.sum(true, 0));
            Elementwise.addRowToEachRow(bias, y);
            Elementwise.addColumnSums(y.sub(bias.broadcast(ROWS, COLS)), sums);
            assertTrue(expectedY.equalsWithEps(y, tolerance), type + " bias add");
            assertTrue(expectedSums.equalsWithEps(sums, tolerance), type + " column sums");
        }
    }

    @Test
    void simdGivesTheBitsOfThePlainFloatLoops() {
        INDArray x = matrix(6, DataType.FLOAT), g = matrix(7, DataType.FLOAT), row = TestArrays.gaussian(8, DataType.FLOAT, 1, COLS);
        int n = ROWS * COLS;
        float[][] kernel = new float[5][], plain = new float[5][];
        INDArray out = x.ulike();
        Elementwise.relu(x, out);
        kernel[0] = out.ravel().toFloatVector();
        Elementwise.reluBackward(x, g, out);
        kernel[1] = out.ravel().toFloatVector();
        Elementwise.scaleShift(x, out, 1 / 255.0, -0.5);
        kernel[2] = out.ravel().toFloatVector();
        INDArray biased = x.dup(), sums = row.dup();
        Elementwise.addRowToEachRow(row, biased);
        kernel[3] = biased.ravel().toFloatVector();
        Elementwise.addColumnSums(x, sums);
        kernel[4] = sums.ravel().toFloatVector();

        ByteBuffer in = Memory.of(x), grad = Memory.of(g), o = Memory.of(out);
        Elementwise.reluFloat(in, o, 0, n);
        plain[0] = out.ravel().toFloatVector();
        Elementwise.reluBackwardFloat(in, grad, o, 0, n);
        plain[1] = out.ravel().toFloatVector();
        Elementwise.scaleShiftFloat(in, o, 0, n, (float) (1 / 255.0), -0.5f);
        plain[2] = out.ravel().toFloatVector();
        INDArray biased2 = x.dup(), sums2 = row.dup();
        for (int r = 0; r < ROWS; r++) Elementwise.addRowFloat(Memory.of(row), Memory.of(biased2), r * COLS, 0, COLS);
        plain[3] = biased2.ravel().toFloatVector();
        Elementwise.columnSumsFloat(in, Memory.of(sums2), ROWS, COLS, 0, COLS);
        plain[4] = sums2.ravel().toFloatVector();
        for (int k = 0; k < 5; k++) assertArrayEquals(plain[k], kernel[k], "kernel " + k + (Simd.available() ? " (SIMD)" : " (plain)"));
    }

    @Test
    void sumAndDropoutMatchTheFormulasAndTheirPlainTwins() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = matrix(10, type), b = matrix(11, type), out = a.ulike();
            INDArray mask = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution(a.ulike(), 0.7));
            Elementwise.add(a, b, out);
            assertEquals(a.add(b), out, type + " add");
            Elementwise.applyDropout(a, mask, out, 0.7);
            assertEquals(a.mul(mask.div(0.7)), out, type + " dropout: the bits of the mask divided by keep, then applied");
        }
        INDArray a = matrix(12, DataType.FLOAT), b = matrix(13, DataType.FLOAT), out = a.ulike(), plainOut = a.ulike();
        int n = ROWS * COLS;
        ByteBuffer x = Memory.of(a), y = Memory.of(b), o = Memory.of(plainOut);
        Elementwise.add(a, b, out);
        Elementwise.addFloat(x, y, o, 0, n);
        assertArrayEquals(plainOut.ravel().toFloatVector(), out.ravel().toFloatVector(), "add");
        Elementwise.applyDropout(a, b, out, 0.9);   // any values, not only 0/1: the twins agree on every input
        Elementwise.multiplyScaledFloat(x, y, o, 0, n, 1 / 0.9f);
        assertArrayEquals(plainOut.ravel().toFloatVector(), out.ravel().toFloatVector(), "dropout" + (Simd.available() ? " (SIMD)" : " (plain)"));
    }

    @Test
    void stridedOrMixedArraysAreLeftToNativeOps() {
        INDArray m = matrix(9, DataType.FLOAT);
        assertFalse(Elementwise.applies(m.getColumn(2), m.getColumn(3)));
        assertFalse(Elementwise.applies(m, m.castTo(DataType.DOUBLE)));
        assertFalse(Elementwise.applies(m.transpose()));
        assertTrue(Elementwise.applies(m.getRow(2), TestArrays.gaussian(1, DataType.FLOAT, 1, COLS)));
    }
}
