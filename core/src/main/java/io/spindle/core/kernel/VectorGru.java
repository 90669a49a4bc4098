package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twin of {@link GruCell}: whole vectors of a step, lane by lane its operations in its order; returns
 * where the scalar loop takes over. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorGru {
    private static final VectorSpecies<Float> FLOATS = VectorMath.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorGru() {
    }

    static int forward(ByteBuffer z, ByteBuffer r, ByteBuffer n, ByteBuffer q, ByteBuffer hidden, int t, int size) {
        int bound = FLOATS.loopBound(size);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * size + e) * 4;
            FloatVector zz = VectorMath.tanh(load(z, at)).mul(0.5f).add(0.5f), rr = VectorMath.tanh(load(r, at)).mul(0.5f).add(0.5f);
            FloatVector nn = VectorMath.tanh(load(n, at).add(rr.mul(load(q, at))));
            zz.intoByteBuffer(z, at, ORDER);
            rr.intoByteBuffer(r, at, ORDER);
            nn.intoByteBuffer(n, at, ORDER);
            nn.add(load(hidden, at).sub(nn).mul(zz)).intoByteBuffer(hidden, at + size * 4, ORDER);
        }
        return bound;
    }

    static int backward(ByteBuffer hiddenGrad, ByteBuffer[] factors, ByteBuffer z, ByteBuffer r, ByteBuffer[] grads,
                        ByteBuffer candidateGrad, int t, int size) {
        int bound = FLOATS.loopBound(size);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * size + e) * 4, before = at - size * 4;
            FloatVector dh = load(hiddenGrad, at), dn = dh.mul(load(factors[2], at));
            dh.mul(load(factors[0], at)).intoByteBuffer(grads[0], at, ORDER);
            dn.intoByteBuffer(grads[2], at, ORDER);
            dn.mul(load(factors[1], at)).intoByteBuffer(grads[1], at, ORDER);
            dn.mul(load(r, at)).intoByteBuffer(candidateGrad, at, ORDER);
            if (t > 0) load(hiddenGrad, before).add(dh.mul(load(z, at))).intoByteBuffer(hiddenGrad, before, ORDER);
        }
        return bound;
    }

    private static FloatVector load(ByteBuffer b, int at) {
        return FloatVector.fromByteBuffer(FLOATS, b, at, ORDER);
    }
}
