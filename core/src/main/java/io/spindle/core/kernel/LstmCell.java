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
     * a_k = (gate k) + b_k, i, f, o = σ, g = tanh; c_t = f⊙c_{t−1} + i⊙g (c_{t−1} at slot t of {@code cells}, c_t into
     * slot t + 1), tanh(c_t) into slot t of {@code cellTanh}, h_t = o⊙tanh(c_t) into slot t + 1 of {@code hidden}.
     * {@code gates} and {@code bias} in the order i, f, o, g; each bias buffer holds H values. In SIMD as passes over
     * the step (each a loop of its own, see VectorMath), the same operations per element.
     */
    public static void forward(ByteBuffer[] gates, ByteBuffer[] bias, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                               int t, int batch, int units) {
        int n = batch * units, s = t * n, done = 0;
        if (Simd.available()) {
            for (int k = 0; k < 4; k++) done = VectorMath.activation(gates[k], s, bias[k], gates[k], s, batch, units, k != 3, 1f, 1f, 0f);
        }
        activationsFloat(gates, bias, t, batch, units, done);
        if (!Simd.available()) {
            cellFloat(gates, cells, cellTanh, hidden, t, n, 0);
            return;
        }
        VectorLstm.cell(gates[0], gates[1], gates[3], cells, t, n);
        Activations.tanh(cells, s + n, cellTanh, s, n, 1f, 1f, 0f);
        VectorLstm.hidden(gates[2], cellTanh, hidden, t, n);
    }

    /** The gates' activations in columns {@code from}..H of every row, in scalar code. */
    static void activationsFloat(ByteBuffer[] gates, ByteBuffer[] bias, int t, int batch, int units, int from) {
        for (int row = 0; row < batch; row++) {
            for (int j = from; j < units; j++) {
                int at = (t * batch * units + row * units + j) * 4, b = j * 4;
                for (int k = 0; k < 3; k++) gates[k].putFloat(at, Transcendentals.logistic(gates[k].getFloat(at) + bias[k].getFloat(b)));
                gates[3].putFloat(at, Transcendentals.tanh(gates[3].getFloat(at) + bias[3].getFloat(b), 1f, 1f, 0f));
            }
        }
    }

    /** c_t, tanh(c_t) and h_t from the step's activations, elements {@code from}..n, in scalar code. */
    static void cellFloat(ByteBuffer[] gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden, int t, int n, int from) {
        for (int e = from; e < n; e++) {
            int at = (t * n + e) * 4, next = at + n * 4;
            float c = gates[1].getFloat(at) * cells.getFloat(at) + gates[0].getFloat(at) * gates[3].getFloat(at);
            float tc = Transcendentals.tanh(c, 1f, 1f, 0f);
            cells.putFloat(next, c);
            cellTanh.putFloat(at, tc);
            hidden.putFloat(next, gates[2].getFloat(at) * tc);
        }
    }

    /** The whole step in scalar code: the twin of {@link #forward}'s SIMD passes. */
    static void forwardFloat(ByteBuffer[] gates, ByteBuffer[] bias, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                             int t, int batch, int units) {
        activationsFloat(gates, bias, t, batch, units, 0);
        cellFloat(gates, cells, cellTanh, hidden, t, batch * units, 0);
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
