package io.spindle.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.testing.TestArrays;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The stated error bounds of {@link Transcendentals} over the float range, and the SIMD loops' bits against the scalar ones. */
class TranscendentalsTest {
    /** Every 97th float bit pattern with |x| up to 87 (about 20 million values), both signs. */
    private static void sweep(java.util.function.DoubleConsumer check) {
        for (int bits = 0; bits < 0x42AE0000; bits += 97) {
            float x = Float.intBitsToFloat(bits);
            check.accept(x);
            check.accept(-x);
        }
    }

    @Test
    void expIsWithinTwoUlps() {
        double[] worst = {0};
        sweep(x -> {
            double exact = Math.exp(x), got = Transcendentals.exp((float) x);
            worst[0] = Math.max(worst[0], Math.abs(got - exact) / Math.ulp((float) exact));
        });
        assertTrue(worst[0] <= 2, "exp: worst error " + worst[0] + " ulp");
    }

    @Test
    void tanhAndSigmoidAreWithinTheirBounds() {
        double[] worst = new double[4];
        sweep(x -> {
            double t = Math.tanh(x), gotT = Transcendentals.tanh((float) x);
            worst[0] = Math.max(worst[0], Math.abs(gotT - t));
            if (t != 0) worst[1] = Math.max(worst[1], Math.abs(gotT - t) / Math.abs(t));
            double s = 1 / (1 + Math.exp(-x)), gotS = Transcendentals.sigmoid((float) x);
            worst[2] = Math.max(worst[2], Math.abs(gotS - s));
            worst[3] = Math.max(worst[3], Math.abs(Transcendentals.logistic((float) x) - s));
        });
        assertTrue(worst[0] <= 3.0e-7, "tanh: worst absolute error " + worst[0]);
        assertTrue(worst[1] <= 4e-7, "tanh: worst relative error " + worst[1]);
        assertTrue(worst[2] <= 2e-7, "sigmoid: worst absolute error " + worst[2]);
        assertTrue(worst[3] <= 2e-7, "logistic: worst absolute error " + worst[3]);
    }

    @Test
    void outsideTheRangeResultsStayFiniteAndNormalAndNaNGoesThrough() {
        for (float x : new float[] {-1e30f, -200f, -88f, Float.NEGATIVE_INFINITY}) {
            float e = Transcendentals.exp(x), s = Transcendentals.sigmoid(x), l = Transcendentals.logistic(x);
            assertTrue(e >= Float.MIN_NORMAL && (s == 0 || s >= Float.MIN_NORMAL) && l >= Float.MIN_NORMAL, x + ": " + e + ", " + s + ", " + l);
            assertEquals(-1f, Transcendentals.tanh(x), x + "");
        }
        assertEquals(1f, Transcendentals.tanh(Float.POSITIVE_INFINITY));
        assertEquals(1f, Transcendentals.sigmoid(1e30f));
        assertEquals(1f, Transcendentals.logistic(1e30f));
        assertTrue(Float.isNaN(Transcendentals.exp(Float.NaN)) && Float.isNaN(Transcendentals.tanh(Float.NaN))
                && Float.isNaN(Transcendentals.sigmoid(Float.NaN)) && Float.isNaN(Transcendentals.logistic(Float.NaN)));
    }

    @Test
    void simdLoopsGiveTheBitsOfTheScalarLoops() {
        int n = 4099;   // a tail after the lanes
        INDArray x = TestArrays.gaussian(3, DataType.FLOAT, n).muli(3), g = TestArrays.gaussian(4, DataType.FLOAT, n);
        for (int i = 0; i < n; i += 50) x.putScalar(i, i % 100 == 0 ? 0.62f : -0.63f);   // both sides of the polynomial's edge
        x.putScalar(7, 120f);
        x.putScalar(8, -120f);
        INDArray out = x.ulike(), back = x.ulike();
        ByteBuffer in = Memory.of(x), gb = Memory.of(g), o = Memory.of(out), b = Memory.of(back);
        for (boolean tanh : new boolean[] {true, false}) {
            if (tanh) Activations.tanh(x, out); else Activations.sigmoid(x, out);
            if (tanh) Activations.tanhBackward(out, g, back); else Activations.sigmoidBackward(out, g, back);
            float[] kernel = out.toFloatVector(), kernelBack = back.toFloatVector();
            if (tanh) Activations.tanhFloat(in, o, 0, n); else Activations.sigmoidFloat(in, o, 0, n);
            if (tanh) Activations.tanhBackwardFloat(o, 0, gb, 0, b, 0, 0, n); else Activations.sigmoidBackwardFloat(o, gb, b, 0, n);
            String what = (tanh ? "tanh" : "sigmoid") + (Simd.available() ? " (SIMD)" : " (plain)");
            assertArrayEquals(out.toFloatVector(), kernel, what);
            assertArrayEquals(back.toFloatVector(), kernelBack, what + " backward");
        }
    }
}
