package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * One GRU step's element-wise work (reset after the recurrent product) in Java over float buffers, SIMD when it
 * can (the same operations per element, so the same bits). Buffers are whole time-major arrays [T(+1), B, H]; step
 * t's slice of n = B·H values starts at element t·n. z and r arrive holding half their pre-activations
 * (σ(a) = ½ + ½·tanh(a/2)), n holding x_t·W_n + b_n, q = h_{t−1}·U_n + b_hn; they leave holding the activations.
 */
public final class GruCell {
    private GruCell() {
    }

    /** z, r = σ; n = tanh(n + r⊙q); h_t = n + z⊙(h_{t−1} − n), from slot t of {@code hidden} into slot t + 1. */
    public static void forward(ByteBuffer z, ByteBuffer r, ByteBuffer n, ByteBuffer q, ByteBuffer hidden, int t, int size) {
        if (!Simd.available()) {
            forwardFloat(z, r, n, q, hidden, t, size, 0);
            return;
        }
        // In SIMD as passes over the step (each a loop of its own, see VectorMath), the same operations per element.
        int s = t * size;
        Activations.tanh(z, s, z, s, size, 1f, 0.5f, 0.5f);
        Activations.tanh(r, s, r, s, size, 1f, 0.5f, 0.5f);
        VectorGru.candidate(r, n, q, t, size);
        Activations.tanh(n, s, n, s, size, 1f, 1f, 0f);
        VectorGru.hidden(z, n, hidden, t, size);
    }

    static void forwardFloat(ByteBuffer z, ByteBuffer r, ByteBuffer n, ByteBuffer q, ByteBuffer hidden, int t, int size, int from) {
        for (int e = from; e < size; e++) {
            int at = (t * size + e) * 4;
            float zz = 0.5f * Transcendentals.tanh(z.getFloat(at)) + 0.5f, rr = 0.5f * Transcendentals.tanh(r.getFloat(at)) + 0.5f;
            float nn = Transcendentals.tanh(n.getFloat(at) + rr * q.getFloat(at));
            z.putFloat(at, zz);
            r.putFloat(at, rr);
            n.putFloat(at, nn);
            hidden.putFloat(at + size * 4, nn + (hidden.getFloat(at) - nn) * zz);
        }
    }

    /**
     * Back through step t, whose dh (slot t of {@code hiddenGrad}) is complete: dz = dh⊙factor_z, dn = dh⊙factor_n,
     * dr = dn⊙factor_r, dq = dn⊙r; and for t > 0 the direct path into dh_{t−1} += dh⊙z (the recurrent products add
     * the rest). {@code factors}: z, r, n.
     */
    public static void backward(ByteBuffer hiddenGrad, ByteBuffer[] factors, ByteBuffer z, ByteBuffer r, ByteBuffer[] grads,
                                ByteBuffer candidateGrad, int t, int size) {
        int done = Simd.available() ? VectorGru.backward(hiddenGrad, factors, z, r, grads, candidateGrad, t, size) : 0;
        backwardFloat(hiddenGrad, factors, z, r, grads, candidateGrad, t, size, done);
    }

    static void backwardFloat(ByteBuffer hiddenGrad, ByteBuffer[] factors, ByteBuffer z, ByteBuffer r, ByteBuffer[] grads,
                              ByteBuffer candidateGrad, int t, int size, int from) {
        for (int e = from; e < size; e++) {
            int at = (t * size + e) * 4, before = at - size * 4;
            float dh = hiddenGrad.getFloat(at), dn = dh * factors[2].getFloat(at);
            grads[0].putFloat(at, dh * factors[0].getFloat(at));
            grads[2].putFloat(at, dn);
            grads[1].putFloat(at, dn * factors[1].getFloat(at));
            candidateGrad.putFloat(at, dn * r.getFloat(at));
            if (t > 0) hiddenGrad.putFloat(before, hiddenGrad.getFloat(before) + dh * z.getFloat(at));
        }
    }
}
