package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twin of {@link LstmCell}: whole vectors of a step, lane by lane its operations in its order; returns
 * where the scalar loop takes over. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorLstm {
    private static final VectorSpecies<Float> FLOATS = VectorMath.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLstm() {
    }

    static int forward(ByteBuffer i, ByteBuffer f, ByteBuffer o, ByteBuffer g, ByteBuffer cells, ByteBuffer cellTanh,
                       ByteBuffer hidden, int t, int n) {
        int bound = FLOATS.loopBound(n);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * n + e) * 4, next = at + n * 4;
            FloatVector ii = sigmoidFromHalf(load(i, at)), ff = sigmoidFromHalf(load(f, at)), oo = sigmoidFromHalf(load(o, at));
            FloatVector gg = VectorMath.tanh(load(g, at));
            FloatVector c = ff.mul(load(cells, at)).add(ii.mul(gg)), tc = VectorMath.tanh(c);
            ii.intoByteBuffer(i, at, ORDER);
            ff.intoByteBuffer(f, at, ORDER);
            oo.intoByteBuffer(o, at, ORDER);
            gg.intoByteBuffer(g, at, ORDER);
            c.intoByteBuffer(cells, next, ORDER);
            tc.intoByteBuffer(cellTanh, at, ORDER);
            oo.mul(tc).intoByteBuffer(hidden, next, ORDER);
        }
        return bound;
    }

    private static FloatVector sigmoidFromHalf(FloatVector half) {
        return VectorMath.tanh(half).mul(0.5f).add(0.5f);
    }

    static int backward(ByteBuffer dh, ByteBuffer cellFactor, ByteBuffer[] factors, ByteBuffer forget, ByteBuffer cellGrad,
                        ByteBuffer[] gateGrads, int t, int n) {
        int bound = FLOATS.loopBound(n);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * n + e) * 4;
            FloatVector h = load(dh, at), c = load(cellGrad, e * 4).add(h.mul(load(cellFactor, at)));
            c.mul(load(factors[0], at)).intoByteBuffer(gateGrads[0], at, ORDER);
            c.mul(load(factors[1], at)).intoByteBuffer(gateGrads[1], at, ORDER);
            h.mul(load(factors[2], at)).intoByteBuffer(gateGrads[2], at, ORDER);
            c.mul(load(factors[3], at)).intoByteBuffer(gateGrads[3], at, ORDER);
            c.mul(load(forget, at)).intoByteBuffer(cellGrad, e * 4, ORDER);
        }
        return bound;
    }

    private static FloatVector load(ByteBuffer b, int at) {
        return FloatVector.fromByteBuffer(FLOATS, b, at, ORDER);
    }
}
