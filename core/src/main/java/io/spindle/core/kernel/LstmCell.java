package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * One LSTM step's element-wise work in Java over float buffers, SIMD when it can (the same operations per element,
 * so the same bits), instead of ~15 native calls a step. The gates lie side by side: {@code gates} is [T, B, 4H], each
 * row the blocks i, f, o, g of H values, so that one GEMM a step covers all four; step t's rows start at element
 * t·B·4H. The other buffers are [T(+1), B, H], step t's n = B·H values from element t·n. Gate rows arrive holding
 * x_t·W_k + b_k + h_{t−1}·U_k and leave holding the activations; the sigmoid gates i, f, o take
 * σ(a) = 1/(e^{−a} + 1) ({@link Transcendentals#logistic}).
 */
public final class LstmCell {
    private LstmCell() {
    }

    /**
     * i, f, o = σ, g = tanh of the gates' pre-activations; c_t = f⊙c_{t−1} + i⊙g (c_{t−1} at slot t of {@code cells}, c_t into
     * slot t + 1), tanh(c_t) into slot t of {@code cellTanh}, h_t = o⊙tanh(c_t) into slot t + 1 of {@code hidden}.
     * In SIMD as passes over the step (each a loop of its
     * own, see VectorMath), the same operations per element (g, the fourth block, through tanh); the columns past the last whole vector of each block go
     * through the scalar loop, which does a column's whole step (no column reads another's).
     */
    public static void forward(ByteBuffer gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                               int t, int batch, int units) {
        if (!Simd.available()) {
            forwardFloat(gates, cells, cellTanh, hidden, t, batch, units, 0);
            return;
        }
        int n = batch * units, width = 4 * units, s = t * batch * width, done = 0;
        for (int k = 0; k < 4; k++) {
            done = VectorMath.activation(gates, s, gates, s, batch, width, k * units, (k + 1) * units, k != 3, 1f, 1f, 0f) - k * units;
        }
        VectorLstm.cell(gates, cells, t, batch, units, done);
        VectorMath.activation(cells, (t + 1) * n, cellTanh, t * n, batch, units, 0, done, false, 1f, 1f, 0f);
        VectorLstm.hidden(gates, cellTanh, hidden, t, batch, units, done);
        forwardFloat(gates, cells, cellTanh, hidden, t, batch, units, done);
    }

    /** The whole step in scalar code for columns {@code from}..H of every row: the twin of {@link #forward}'s SIMD passes. */
    static void forwardFloat(ByteBuffer gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                             int t, int batch, int units, int from) {
        int n = batch * units, width = 4 * units;
        for (int row = 0; row < batch; row++) {
            for (int j = from; j < units; j++) {
                int at = ((t * batch + row) * width + j) * 4, cell = (t * n + row * units + j) * 4, next = cell + n * 4;
                float ii = Transcendentals.logistic(gates.getFloat(at));
                float ff = Transcendentals.logistic(gates.getFloat(at + units * 4));
                float oo = Transcendentals.logistic(gates.getFloat(at + 2 * units * 4));
                float gg = Transcendentals.tanh(gates.getFloat(at + 3 * units * 4), 1f, 1f, 0f);
                gates.putFloat(at, ii);
                gates.putFloat(at + units * 4, ff);
                gates.putFloat(at + 2 * units * 4, oo);
                gates.putFloat(at + 3 * units * 4, gg);
                float c = ff * cells.getFloat(cell) + ii * gg;
                float tc = Transcendentals.tanh(c, 1f, 1f, 0f);
                cells.putFloat(next, c);
                cellTanh.putFloat(cell, tc);
                hidden.putFloat(next, oo * tc);
            }
        }
    }

    /**
     * Back through step t from what forward kept: with the activations i, f, o, g of step t ({@code gates}, laid out as
     * in forward), c_{t−1} (slot t of {@code cells}) and tanh(c_t) (slot t of {@code cellTanh}),
     * dc = dc_carried + dh⊙o⊙(1 − tanh² c_t); dA_i = dc⊙(i − i²)⊙g, dA_f = dc⊙(f − f²)⊙c_{t−1}, dA_o = dh⊙(o − o²)⊙tanh(c_t),
     * dA_g = dc⊙(1 − g²)⊙i into {@code gateGrads} (laid out as the gates); then dc ⊙= f, the part that reaches step t − 1.
     * {@code cellGrad} is one [B, H] buffer carried across steps; {@code dh} is [T, B, H].
     */
    public static void backward(ByteBuffer dh, ByteBuffer gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer cellGrad,
                                ByteBuffer gateGrads, int t, int batch, int units) {
        int done = Simd.available() ? VectorLstm.backward(dh, gates, cells, cellTanh, cellGrad, gateGrads, t, batch, units) : 0;
        backwardFloat(dh, gates, cells, cellTanh, cellGrad, gateGrads, t, batch, units, done);
    }

    /** {@link #backward} in scalar code for columns {@code from}..H of every row. */
    static void backwardFloat(ByteBuffer dh, ByteBuffer gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer cellGrad,
                              ByteBuffer gateGrads, int t, int batch, int units, int from) {
        int n = batch * units, width = 4 * units, block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = from; j < units; j++) {
                int at = ((t * batch + row) * width + j) * 4, e = row * units + j, cell = (t * n + e) * 4;
                float ii = gates.getFloat(at), ff = gates.getFloat(at + block), oo = gates.getFloat(at + 2 * block), gg = gates.getFloat(at + 3 * block);
                float tc = cellTanh.getFloat(cell), h = dh.getFloat(cell);
                float c = cellGrad.getFloat(e * 4) + h * ((1f - tc * tc) * oo);
                gateGrads.putFloat(at, c * ((ii - ii * ii) * gg));
                gateGrads.putFloat(at + block, c * ((ff - ff * ff) * cells.getFloat(cell)));
                gateGrads.putFloat(at + 2 * block, h * ((oo - oo * oo) * tc));
                gateGrads.putFloat(at + 3 * block, c * ((1f - gg * gg) * ii));
                cellGrad.putFloat(e * 4, c * ff);
            }
        }
    }
}
