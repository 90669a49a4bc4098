package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD passes of {@link GruCell}: lane by lane its operations in its order; no vector crosses a method
 * boundary (see {@link VectorMath}). Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorGru {
    private static final VectorSpecies<Float> FLOATS = VectorMath.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorGru() {
    }

    /** n's pre-activation x_t·W_n + b_n + r⊙q, in place. */
    static void candidate(ByteBuffer r, ByteBuffer n, ByteBuffer q, int t, int size) {
        int bound = FLOATS.loopBound(size);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * size + e) * 4;
            FloatVector.fromByteBuffer(FLOATS, n, at, ORDER).add(FloatVector.fromByteBuffer(FLOATS, r, at, ORDER)
                    .mul(FloatVector.fromByteBuffer(FLOATS, q, at, ORDER))).intoByteBuffer(n, at, ORDER);
        }
        for (int e = bound; e < size; e++) {
            int at = (t * size + e) * 4;
            n.putFloat(at, n.getFloat(at) + r.getFloat(at) * q.getFloat(at));
        }
    }

    /** h_t = n + (h_{t−1} − n)⊙z, from slot t of {@code hidden} into slot t + 1. */
    static void hidden(ByteBuffer z, ByteBuffer n, ByteBuffer hidden, int t, int size) {
        int bound = FLOATS.loopBound(size);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * size + e) * 4;
            FloatVector nn = FloatVector.fromByteBuffer(FLOATS, n, at, ORDER);
            nn.add(FloatVector.fromByteBuffer(FLOATS, hidden, at, ORDER).sub(nn).mul(FloatVector.fromByteBuffer(FLOATS, z, at, ORDER)))
                    .intoByteBuffer(hidden, at + size * 4, ORDER);
        }
        for (int e = bound; e < size; e++) {
            int at = (t * size + e) * 4;
            float nn = n.getFloat(at);
            hidden.putFloat(at + size * 4, nn + (hidden.getFloat(at) - nn) * z.getFloat(at));
        }
    }

    static int backward(ByteBuffer hiddenGrad, ByteBuffer[] factors, ByteBuffer z, ByteBuffer r, ByteBuffer[] grads,
                        ByteBuffer candidateGrad, int t, int size) {
        int bound = FLOATS.loopBound(size);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * size + e) * 4, before = at - size * 4;
            FloatVector dh = FloatVector.fromByteBuffer(FLOATS, hiddenGrad, at, ORDER), dn = dh.mul(FloatVector.fromByteBuffer(FLOATS, factors[2], at, ORDER));
            dh.mul(FloatVector.fromByteBuffer(FLOATS, factors[0], at, ORDER)).intoByteBuffer(grads[0], at, ORDER);
            dn.intoByteBuffer(grads[2], at, ORDER);
            dn.mul(FloatVector.fromByteBuffer(FLOATS, factors[1], at, ORDER)).intoByteBuffer(grads[1], at, ORDER);
            dn.mul(FloatVector.fromByteBuffer(FLOATS, r, at, ORDER)).intoByteBuffer(candidateGrad, at, ORDER);
            if (t > 0) FloatVector.fromByteBuffer(FLOATS, hiddenGrad, before, ORDER).add(dh.mul(FloatVector.fromByteBuffer(FLOATS, z, at, ORDER))).intoByteBuffer(hiddenGrad, before, ORDER);
        }
        return bound;
    }

}
