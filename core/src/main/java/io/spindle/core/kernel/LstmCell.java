package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * One LSTM step's element-wise work in Java over float buffers, SIMD when it can (the same operations per element,
 * so the same bits), instead of ~15 native calls a step. The buffers are whole time-major arrays
 * [T(+1), B, H]; step t's slice of n = B·H values starts at element t·n. Gate buffers arrive holding x_t·W_k + h_{t−1}·U_k
 * (the bias not yet added) and leave holding the activations; the sigmoid gates i, f, o take σ(a) = 1/(e^{−a} + 1)
 * ({@link Transcendentals#logistic}).
 */
public final class LstmCell {
    private LstmCell() {
    }

    /**
     * One pass over the step: a_k = (gate k) + b_k, i, f, o = σ, g = tanh; c_t = f⊙c_{t−1} + i⊙g (c_{t−1} at slot t of
     * {@code cells}, c_t into slot t + 1), tanh(c_t) into slot t of {@code cellTanh}, h_t = o⊙tanh(c_t) into slot t + 1
     * of {@code hidden}. {@code gates} and {@code bias} in the order i, f, o, g; each bias buffer holds H values.
     */
    public static void forward(ByteBuffer[] gates, ByteBuffer[] bias, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                               int t, int batch, int units) {
        int done = Simd.available() ? VectorLstm.forward(gates, bias, cells, cellTanh, hidden, t, batch, units) : 0;
        forwardFloat(gates, bias, cells, cellTanh, hidden, t, batch, units, done);
    }

    /** Columns {@code from}..H of every row, in scalar code. */
    static void forwardFloat(ByteBuffer[] gates, ByteBuffer[] bias, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                             int t, int batch, int units, int from) {
        int n = batch * units;
        for (int row = 0; row < batch; row++) {
            for (int j = from; j < units; j++) {
                int at = (t * n + row * units + j) * 4, next = at + n * 4, b = j * 4;
                float ii = Transcendentals.logistic(gates[0].getFloat(at) + bias[0].getFloat(b));
                float ff = Transcendentals.logistic(gates[1].getFloat(at) + bias[1].getFloat(b));
                float oo = Transcendentals.logistic(gates[2].getFloat(at) + bias[2].getFloat(b));
                float gg = Transcendentals.tanh(gates[3].getFloat(at) + bias[3].getFloat(b), 1f, 1f, 0f);
                float c = ff * cells.getFloat(at) + ii * gg, tc = Transcendentals.tanh(c, 1f, 1f, 0f);
                gates[0].putFloat(at, ii);
                gates[1].putFloat(at, ff);
                gates[2].putFloat(at, oo);
                gates[3].putFloat(at, gg);
                cells.putFloat(next, c);
                cellTanh.putFloat(at, tc);
                hidden.putFloat(next, oo * tc);
            }
        }
    }

    /**
     * Back through step t from what forward kept: with the activations i, f, o, g of step t, c_{t−1} (slot t of
     * {@code cells}) and tanh(c_t) (slot t of {@code cellTanh}), dc = dc_carried + dh⊙o⊙(1 − tanh² c_t);
     * dA_i = dc⊙(i − i²)⊙g, dA_f = dc⊙(f − f²)⊙c_{t−1}, dA_o = dh⊙(o − o²)⊙tanh(c_t), dA_g = dc⊙(1 − g²)⊙i; then
     * dc ⊙= f, the part that reaches step t − 1. Each factor is computed here, per step, with the operations (and
     * so the bits) the whole-sequence native passes used to precompute them with. {@code cellGrad} is one [B, H]
     * buffer carried across steps.
     */
    public static void backward(ByteBuffer dh, ByteBuffer[] gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer cellGrad,
                                ByteBuffer[] gateGrads, int t, int n) {
        int done = Simd.available() ? VectorLstm.backward(dh, gates, cells, cellTanh, cellGrad, gateGrads, t, n) : 0;
        backwardFloat(dh, gates, cells, cellTanh, cellGrad, gateGrads, t, n, done);
    }

    /** Gate order in {@code gates} and {@code gateGrads}: i, f, o, g. */
    static void backwardFloat(ByteBuffer dh, ByteBuffer[] gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer cellGrad,
                              ByteBuffer[] gateGrads, int t, int n, int from) {
        for (int e = from; e < n; e++) {
            int at = (t * n + e) * 4;
            float ii = gates[0].getFloat(at), ff = gates[1].getFloat(at), oo = gates[2].getFloat(at), gg = gates[3].getFloat(at);
            float tc = cellTanh.getFloat(at), h = dh.getFloat(at);
            float c = cellGrad.getFloat(e * 4) + h * ((1f - tc * tc) * oo);
            gateGrads[0].putFloat(at, c * ((ii - ii * ii) * gg));
            gateGrads[1].putFloat(at, c * ((ff - ff * ff) * cells.getFloat(at)));
            gateGrads[2].putFloat(at, h * ((oo - oo * oo) * tc));
            gateGrads[3].putFloat(at, c * ((1f - gg * gg) * ii));
            cellGrad.putFloat(e * 4, c * ff);
        }
    }
}
