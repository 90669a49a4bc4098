package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * One GRU step's element-wise work (reset after the recurrent product) in Java over float buffers, SIMD when it
 * can (the same operations per element, so the same bits). The gates lie side by side: {@code gates} and
 * {@code recurrent} are [T, B, 3H], each row the blocks z, r, n of H values, step t's rows from element t·B·3H;
 * {@code hidden} is [T + 1, B, H]. Gate rows arrive holding x_t·W_k + b_k, recurrent rows h_{t−1}·U_k; the sigmoid
 * gates take σ(a) = 1/(e^{−a} + 1) ({@link Transcendentals#logistic}).
 */
public final class GruCell {
    private GruCell() {
    }

    /**
     * z, r = σ((x·W + b) + h·U) and q = h_{t−1}·U_n + b_hn (left in the recurrent row's n block, backward reads it),
     * n = tanh((x·W_n + b_n) + r⊙q) and h_t = n + (h_{t−1} − n)⊙z, from slot t of {@code hidden} into slot t + 1; the gate
     * rows leave holding z, r, n. {@code recurrentBias}: b_hn's H values. In SIMD as passes over
     * the step (each a loop of its own, see VectorMath); the columns past the last whole vector of each block go
     * through the scalar loop, which does a column's whole step (no column reads another's).
     */
    public static void forward(ByteBuffer gates, ByteBuffer recurrentBias, ByteBuffer recurrent, ByteBuffer hidden,
                               int t, int batch, int units) {
        if (!Simd.available()) {
            forwardFloat(gates, recurrentBias, recurrent, hidden, t, batch, units, 0);
            return;
        }
        int width = 3 * units, s = t * batch * width;
        int done = VectorGru.addRecurrent(gates, recurrent, t, batch, units);
        VectorMath.activation(gates, s, gates, s, batch, width, 0, units, true, 1f, 1f, 0f);
        VectorMath.activation(gates, s, gates, s, batch, width, units, 2 * units, true, 1f, 1f, 0f);
        VectorGru.candidate(gates, recurrentBias, recurrent, t, batch, units, done);
        VectorMath.activation(gates, s, gates, s, batch, width, 2 * units, 2 * units + done, false, 1f, 1f, 0f);
        VectorGru.hidden(gates, hidden, t, batch, units, done);
        forwardFloat(gates, recurrentBias, recurrent, hidden, t, batch, units, done);
    }

    /** The whole step in scalar code for columns {@code from}..H of every row: the twin of {@link #forward}'s SIMD passes. */
    static void forwardFloat(ByteBuffer gates, ByteBuffer recurrentBias, ByteBuffer recurrent, ByteBuffer hidden,
                             int t, int batch, int units, int from) {
        int n = batch * units, block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = from; j < units; j++) {
                int at = ((t * batch + row) * 3 * units + j) * 4, cell = (t * n + row * units + j) * 4;
                float zz = Transcendentals.logistic(gates.getFloat(at) + recurrent.getFloat(at));
                float rr = Transcendentals.logistic(gates.getFloat(at + block) + recurrent.getFloat(at + block));
                float q = recurrent.getFloat(at + 2 * block) + recurrentBias.getFloat(j * 4);
                float nn = Transcendentals.tanh(gates.getFloat(at + 2 * block) + rr * q, 1f, 1f, 0f);
                gates.putFloat(at, zz);
                gates.putFloat(at + block, rr);
                gates.putFloat(at + 2 * block, nn);
                recurrent.putFloat(at + 2 * block, q);
                hidden.putFloat(cell + n * 4, nn + (hidden.getFloat(cell) - nn) * zz);
            }
        }
    }

    /**
     * Back through step t, whose dh (slot t of {@code hiddenGrad}, [T, B, H]) is complete, from the activations, q and
     * h_{t−1} that forward kept: dz = dh⊙((h_{t−1} − n)⊙(z − z²)), dn = dh⊙((1 − z)⊙(1 − n²)), dr = dn⊙(q⊙(r − r²)), dq = dn⊙r.
     * {@code gateGrads} gets the pre-activations' gradients [dz, dr, dn] (for W and b), {@code recurrentGrads} those of
     * the recurrent products [dz, dr, dq] (for U, b_hn and h_{t−1}), both laid out as the gates; and for t > 0 the
     * direct path dh_{t−1} += dh⊙z (the recurrent products add the rest).
     */
    public static void backward(ByteBuffer hiddenGrad, ByteBuffer gates, ByteBuffer recurrent, ByteBuffer hidden, ByteBuffer gateGrads,
                                ByteBuffer recurrentGrads, int t, int batch, int units) {
        int done = Simd.available() ? VectorGru.backward(hiddenGrad, gates, recurrent, hidden, gateGrads, recurrentGrads, t, batch, units) : 0;
        backwardFloat(hiddenGrad, gates, recurrent, hidden, gateGrads, recurrentGrads, t, batch, units, done);
    }

    /** {@link #backward} in scalar code for columns {@code from}..H of every row. */
    static void backwardFloat(ByteBuffer hiddenGrad, ByteBuffer gates, ByteBuffer recurrent, ByteBuffer hidden, ByteBuffer gateGrads,
                              ByteBuffer recurrentGrads, int t, int batch, int units, int from) {
        int n = batch * units, block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = from; j < units; j++) {
                int at = ((t * batch + row) * 3 * units + j) * 4, cell = (t * n + row * units + j) * 4, before = cell - n * 4;
                float zz = gates.getFloat(at), rr = gates.getFloat(at + block), nn = gates.getFloat(at + 2 * block);
                float dh = hiddenGrad.getFloat(cell), q = recurrent.getFloat(at + 2 * block);
                float dz = dh * ((hidden.getFloat(cell) - nn) * (zz - zz * zz));
                float dn = dh * ((1f - zz) * (1f - nn * nn));
                float dr = dn * (q * (rr - rr * rr));
                gateGrads.putFloat(at, dz);
                gateGrads.putFloat(at + block, dr);
                gateGrads.putFloat(at + 2 * block, dn);
                recurrentGrads.putFloat(at, dz);
                recurrentGrads.putFloat(at + block, dr);
                recurrentGrads.putFloat(at + 2 * block, dn * rr);
                if (t > 0) hiddenGrad.putFloat(before, hiddenGrad.getFloat(before) + dh * zz);
            }
        }
    }
}
