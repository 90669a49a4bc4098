package io.spindle.core.kernel;

import static io.spindle.core.kernel.Transcendentals.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link Transcendentals} and the activation loops built on them: lane by lane the operations of
 * the scalar code in its order, so the bits agree. No vector crosses a method boundary here: C2 inlines a helper
 * that takes or returns a vector only until the helper gets compiled on its own, and from then on boxes every vector
 * it passes, which made the loops several times slower than libnd4j's. Names the incubator Vector API: load only
 * after {@link Simd#available()}.
 */
final class VectorMath {
    static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorMath() {
    }

    /**
     * {@code out[outAt + e] = tanh(in[inAt + e]·a)·b + c} for e in [0, n), element offsets; returns where the scalar
     * loop ({@link Transcendentals#tanh}) takes over. tanh: a = b = 1, c = 0; σ(x) = ½ + ½·tanh(x/2).
     */
    static int tanh(ByteBuffer in, int inAt, ByteBuffer out, int outAt, int n, float a, float b, float c) {
        return activation(in, inAt, out, outAt, 1, n, 0, n, false, a, b, c);
    }

    /**
     * {@code out = f(in)} in columns {@code from}..{@code to} of {@code rows} rows of {@code stride} values from element
     * offsets inAt and outAt, in the columns that whole vectors cover; returns the first column left to the scalar loop. With {@code logistic} f is
     * {@link Transcendentals#logistic}; otherwise {@link Transcendentals#tanh(float, float, float, float)} with a, b, c.
     * One loop: a helper called per vector costs more than the pass (see the class note on vectors and calls).
     */
    static int activation(ByteBuffer in, int inAt, ByteBuffer out, int outAt, int rows, int stride,
                          int from, int to, boolean logistic, float a, float b, float c) {
        int bound = from + FLOATS.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f), two = FloatVector.broadcast(FLOATS, 2f);
        for (int row = 0; row < rows; row++) {
            for (int j = from; j < bound; j += FLOATS.length()) {
                FloatVector x = FloatVector.fromByteBuffer(FLOATS, in, (inAt + row * stride + j) * 4, ORDER);
                if (!logistic) x = x.mul(a);
                FloatVector abs = x.abs();
                // e^{−x} (logistic) or e^{2|x|} (tanh) as Transcendentals.exp: reduction by ln 2, polynomial, 2^k from the rounded value's low bits.
                FloatVector clamped = (logistic ? x.neg() : abs.add(abs)).max(-CLAMP).min(CLAMP);
                FloatVector shifted = clamped.mul(LOG2E).add(ROUNDER), k = shifted.sub(ROUNDER);
                FloatVector r = clamped.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
                FloatVector p = r.mul(E1).add(E2).mul(r).add(E3).mul(r).add(E4).mul(r).add(E5).mul(r).add(E6);
                FloatVector scale = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector denominator = p.mul(r.mul(r)).add(r).add(1f).mul(scale).add(1f);
                int outByte = (outAt + row * stride + j) * 4;
                if (logistic) {
                    one.div(denominator).intoByteBuffer(out, outByte, ORDER);
                    continue;
                }
                FloatVector z = x.mul(x);
                FloatVector small = z.mul(T1).add(T2).mul(z).add(T3).mul(z).add(T4).mul(z).add(T5).mul(z).mul(x).add(x);
                FloatVector t = one.sub(two.div(denominator));
                FloatVector large = t.blend(t.neg(), x.compare(VectorOperators.LT, 0f));
                large.blend(small, abs.compare(VectorOperators.LT, SMALL_TANH)).mul(b).add(c).intoByteBuffer(out, outByte, ORDER);
            }
        }
        return bound;
    }

    /** {@code out[outAt + e] = g[gAt + e]·(1 − y[yAt + e]²)} from tanh's output y; returns where the scalar loop takes over. */
    static int tanhBackward(ByteBuffer y, int yAt, ByteBuffer g, int gAt, ByteBuffer out, int outAt, int n) {
        int bound = FLOATS.loopBound(n);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            FloatVector yi = FloatVector.fromByteBuffer(FLOATS, y, (yAt + e) * 4, ORDER);
            FloatVector d = FloatVector.broadcast(FLOATS, 1f).sub(yi.mul(yi));
            FloatVector.fromByteBuffer(FLOATS, g, (gAt + e) * 4, ORDER).mul(d).intoByteBuffer(out, (outAt + e) * 4, ORDER);
        }
        return bound;
    }

    /** {@code out = g·(y·(1 − y))} from the logistic function's output y. */
    static void sigmoidBackward(ByteBuffer y, ByteBuffer g, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0; at < bound * 4; at += step) {
            FloatVector yi = FloatVector.fromByteBuffer(FLOATS, y, at, ORDER);
            FloatVector d = yi.mul(FloatVector.broadcast(FLOATS, 1f).sub(yi));
            FloatVector.fromByteBuffer(FLOATS, g, at, ORDER).mul(d).intoByteBuffer(out, at, ORDER);
        }
        Activations.sigmoidBackwardFloat(y, g, out, bound, n);
    }
}
