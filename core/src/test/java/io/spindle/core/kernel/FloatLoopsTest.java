package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class FloatLoopsTest {

    /** The mean of 1..5 buffers over a window with a tail, as the native sum-then-divide gives it, in place too. */
    @Test
    void meanGivesTheBitsOfSummingInOrderThenDividing() {
        int n = 1000 + 13, from = 5, to = n - 2;
        for (int ranks = 1; ranks <= 5; ranks++) {
            INDArray[] in = new INDArray[ranks];
            ByteBuffer[] memory = new ByteBuffer[ranks];
            for (int r = 0; r < ranks; r++) {
                in[r] = TestArrays.gaussian(40 + r, DataType.FLOAT, n).muli(1e3);
                memory[r] = Memory.of(in[r]);
            }
            INDArray expected = in[0].dup();
            for (int r = 1; r < ranks; r++) expected.addi(in[r]);
            expected.divi(ranks);
            INDArray before = in[0].dup();
            FloatLoops.mean(memory, memory[0], from, to);   // into the first input, as a reduce-scatter does
            float[] got = in[0].toFloatVector(), want = expected.toFloatVector(), old = before.toFloatVector();
            for (int i = 0; i < n; i++) {
                float w = i >= from && i < to ? want[i] : old[i];
                assertEquals(Float.floatToRawIntBits(w), Float.floatToRawIntBits(got[i]), ranks + " ranks, element " + i);
            }
        }
    }

    @Test
    void plainLoopAgreesWithWhicheverPathRuns() {
        int n = 517;
        INDArray a = TestArrays.gaussian(1, DataType.FLOAT, n), b = TestArrays.gaussian(2, DataType.FLOAT, n);
        INDArray out1 = a.dup(), out2 = a.dup();
        FloatLoops.mean(new ByteBuffer[] {Memory.of(a), Memory.of(b)}, Memory.of(out1), 0, n);
        FloatLoops.scalarMean(new ByteBuffer[] {Memory.of(a), Memory.of(b)}, Memory.of(out2), 0, n);
        assertArrayEquals(out2.toFloatVector(), out1.toFloatVector());
    }

    /** A received piece added into a window of the buffer, divided or not: an add then a divide, element by element. */
    @Test
    void addIntoAddsAPieceIntoAWindowThenDivides() {
        int n = 1000 + 9, offset = 7, piece = 517;
        for (int divisor : new int[] {1, 2, 3, 4}) {
            INDArray work = TestArrays.gaussian(3, DataType.FLOAT, n), received = TestArrays.gaussian(4, DataType.FLOAT, piece);
            float[] before = work.toFloatVector(), in = received.toFloatVector();
            FloatLoops.addInto(Memory.of(work), offset, Memory.of(received), piece, divisor);
            float[] got = work.toFloatVector();
            for (int i = 0; i < n; i++) {
                boolean inside = i >= offset && i < offset + piece;
                float sum = inside ? before[i] + in[i - offset] : before[i];
                float want = inside && divisor != 1 ? sum / divisor : sum;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "divisor " + divisor + ", element " + i);
            }
        }
    }
}
