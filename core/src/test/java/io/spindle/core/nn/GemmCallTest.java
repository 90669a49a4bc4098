package io.spindle.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GemmCallTest {

    /** The kept context must give Nd4j.gemm's bits for every transpose and beta, also after its arrays change. */
    @Test
    void matchesNd4jGemmBitForBitAndRebindsWhenAnArrayChanges() {
        Nd4j.getRandom().setSeed(7);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                GemmCall call = new GemmCall(ta, tb, 0.5, 1.0);
                for (int rows : new int[] {5, 5, 3, 17}) {   // the same shape twice (kept binding), then new arrays
                    INDArray a = ta ? Nd4j.rand(DataType.FLOAT, 7, rows) : Nd4j.rand(DataType.FLOAT, rows, 7);
                    INDArray b = tb ? Nd4j.rand(DataType.FLOAT, 4, 7) : Nd4j.rand(DataType.FLOAT, 7, 4);
                    INDArray c = Nd4j.rand(DataType.FLOAT, rows, 4), expected = c.dup();
                    Nd4j.gemm(a, b, expected, ta, tb, 0.5, 1.0);
                    call.run(a, b, c);
                    assertArrayEquals(expected.ravel().toFloatVector(), c.ravel().toFloatVector(), "ta=" + ta + " tb=" + tb + " rows=" + rows);
                    // Same arrays, new contents: the binding is kept and reads the memory afresh.
                    a.muli(2);
                    expected = c.dup();
                    Nd4j.gemm(a, b, expected, ta, tb, 0.5, 1.0);
                    call.run(a, b, c);
                    assertArrayEquals(expected.ravel().toFloatVector(), c.ravel().toFloatVector());
                }
            }
        }
    }

    @Test
    void doublePrecisionAndViewsOfAFlatBuffer() {
        INDArray flat = Nd4j.rand(DataType.DOUBLE, 40);
        INDArray weights = flat.get(Dense.interval(12, 40)).reshape('c', 7, 4);   // as Dense binds its kernel
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 7), out = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        new GemmCall(false, false, 1.0, 0.0).run(x, weights, out);
        assertArrayEquals(x.mmul(weights).ravel().toDoubleVector(), out.ravel().toDoubleVector(), 1e-12);
    }

    /**
     * A call with new arrays every time (a reshaped sequence input, a Dense after Flatten, prediction batches)
     * must not keep them: a rebound libnd4j context held every array it had been given, ~800 MB here.
     */
    @Test
    void newArraysEveryCallDoNotAccumulateNativeMemory() throws InterruptedException {
        GemmCall call = new GemmCall(false, false, 1.0, 0.0);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1), c = Nd4j.zeros(DataType.FLOAT, 1024, 1);
        long before = settledResidentBytes();
        for (int i = 0; i < 200; i++) {
            call.run(Nd4j.rand(DataType.FLOAT, 1024, 1024), b, c);   // a fresh 4 MB input each call
            if (i % 20 == 19) System.gc();
        }
        long grown = settledResidentBytes() - before;
        assertTrue(grown < 300L << 20, "native memory grew by " + (grown >> 20) + " MB over 200 calls with fresh 4 MB inputs");
    }

    /** Resident bytes after the GC and ND4J's deallocator threads have had a chance to free what is unreachable. */
    private static long settledResidentBytes() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return org.bytedeco.javacpp.Pointer.physicalBytes();
    }

    /** A sequence layer reshapes the same buffer into a new INDArray each step: that view keeps the binding, another memory does not. */
    @Test
    void aNewViewOfTheBoundMemoryCountsAsTheSameArray() {
        INDArray seq = Nd4j.rand(DataType.FLOAT, 3, 5, 7), w = Nd4j.rand(DataType.FLOAT, 7, 4), out = Nd4j.zeros(DataType.FLOAT, 15, 4);
        INDArray view = seq.reshape('c', 15, 7);
        assertTrue(GemmCall.sameView(seq.reshape('c', 15, 7), view));
        assertFalse(GemmCall.sameView(seq.dup().reshape('c', 15, 7), view), "other memory");
        assertFalse(GemmCall.sameView(seq.reshape('c', 5, 21), view), "other shape");
        assertFalse(GemmCall.sameView(seq.get(Dense.interval(1, 3)).reshape('c', 10, 7), view), "other offset");
        GemmCall call = new GemmCall(false, false, 1.0, 0.0);
        for (int step = 0; step < 3; step++) {
            seq.muli(2);
            call.run(seq.reshape('c', 15, 7), w, out);
            assertArrayEquals(seq.reshape('c', 15, 7).mmul(w).ravel().toFloatVector(), out.ravel().toFloatVector(), 1e-5f);
        }
        INDArray other = Nd4j.rand(DataType.FLOAT, 15, 7);
        call.run(other, w, out);
        assertArrayEquals(other.mmul(w).ravel().toFloatVector(), out.ravel().toFloatVector(), 1e-5f, "rebound to other memory");
    }

    @Test
    void refusesAStridedOutput() {
        INDArray out = Nd4j.zeros(DataType.FLOAT, 4, 6).get(Dense.interval(0, 4), Dense.interval(0, 3));
        assertThrows(IllegalArgumentException.class,
                () -> new GemmCall(false, false, 1, 0).run(Nd4j.rand(DataType.FLOAT, 4, 2), Nd4j.rand(DataType.FLOAT, 2, 3), out));
    }
}
