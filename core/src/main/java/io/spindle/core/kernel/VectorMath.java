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
 * the scalar code in its order, so the bits agree. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorMath {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorMath() {
    }

    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(-CLAMP).min(CLAMP);
        FloatVector shifted = c.mul(LOG2E).add(ROUNDER), k = shifted.sub(ROUNDER);
        FloatVector r = c.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector p = r.mul(E1).add(E2).mul(r).add(E3).mul(r).add(E4).mul(r).add(E5).mul(r).add(E6);
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector bits = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS).lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats());
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = z.mul(T1).add(T2).mul(z).add(T3).mul(z).add(T4).mul(z).add(T5).mul(z).mul(x).add(x);
        FloatVector t = FloatVector.broadcast(FLOATS, 1f).sub(FloatVector.broadcast(FLOATS, 2f).div(exp(a.add(a)).add(1f)));
        FloatVector large = t.blend(t.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, a.compare(VectorOperators.LT, SMALL_TANH));
    }

    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(FLOATS, 1f).div(exp(x.neg()).add(1f));
    }

    static void tanh(ByteBuffer in, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0; at < bound * 4; at += step) tanh(FloatVector.fromByteBuffer(FLOATS, in, at, ORDER)).intoByteBuffer(out, at, ORDER);
        Activations.tanhFloat(in, out, bound, n);
    }

    static void sigmoid(ByteBuffer in, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0; at < bound * 4; at += step) sigmoid(FloatVector.fromByteBuffer(FLOATS, in, at, ORDER)).intoByteBuffer(out, at, ORDER);
        Activations.sigmoidFloat(in, out, bound, n);
    }

    /** {@code out = g·(1 − y²)} from tanh's output y. */
    static void tanhBackward(ByteBuffer y, ByteBuffer g, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0; at < bound * 4; at += step) {
            FloatVector yi = FloatVector.fromByteBuffer(FLOATS, y, at, ORDER);
            FloatVector d = FloatVector.broadcast(FLOATS, 1f).sub(yi.mul(yi));
            FloatVector.fromByteBuffer(FLOATS, g, at, ORDER).mul(d).intoByteBuffer(out, at, ORDER);
        }
        Activations.tanhBackwardFloat(y, g, out, bound, n);
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
