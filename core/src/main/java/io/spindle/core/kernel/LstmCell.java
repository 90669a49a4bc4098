package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * One LSTM step's element-wise work in Java over float buffers, SIMD when it can (the same operations per element,
 * so the same bits), instead of ~15 native calls a step. The buffers are whole time-major arrays
 * [T(+1), B, H]; step t's slice of n = B·H values starts at element t·n. Gate buffers arrive holding the
 * pre-activations (halved for the sigmoid gates i, f, o: σ(a) = ½ + ½·tanh(a/2)) and leave holding the activations.
 */
public final class LstmCell {
    private LstmCell() {
    }

    /**
     * i, f, o = σ, g = tanh of the step's pre-activations; c_t = f⊙c_{t−1} + i⊙g (c_{t−1} at slot t of {@code cells},
     * c_t into slot t + 1), tanh(c_t) into slot t of {@code cellTanh}, h_t = o⊙tanh(c_t) into slot t + 1 of {@code hidden}.
     */
    public static void forward(ByteBuffer i, ByteBuffer f, ByteBuffer o, ByteBuffer g, ByteBuffer cells, ByteBuffer cellTanh,
                               ByteBuffer hidden, int t, int n) {
        if (!Simd.available()) {
            forwardFloat(i, f, o, g, cells, cellTanh, hidden, t, n, 0);
            return;
        }
        // In SIMD as passes over the step (each a loop of its own, see VectorMath), the same operations per element.
        int s = t * n;
        for (ByteBuffer gate : new ByteBuffer[] {i, f, o}) Activations.tanh(gate, s, gate, s, n, 1f, 0.5f, 0.5f);
        Activations.tanh(g, s, g, s, n, 1f, 1f, 0f);
        VectorLstm.cell(i, f, g, cells, t, n);
        Activations.tanh(cells, s + n, cellTanh, s, n, 1f, 1f, 0f);
        VectorLstm.hidden(o, cellTanh, hidden, t, n);
    }

    static void forwardFloat(ByteBuffer i, ByteBuffer f, ByteBuffer o, ByteBuffer g, ByteBuffer cells, ByteBuffer cellTanh,
                             ByteBuffer hidden, int t, int n, int from) {
        for (int e = from; e < n; e++) {
            int at = (t * n + e) * 4, next = at + n * 4;
            float ii = 0.5f * Transcendentals.tanh(i.getFloat(at)) + 0.5f, ff = 0.5f * Transcendentals.tanh(f.getFloat(at)) + 0.5f;
            float oo = 0.5f * Transcendentals.tanh(o.getFloat(at)) + 0.5f, gg = Transcendentals.tanh(g.getFloat(at));
            float c = ff * cells.getFloat(at) + ii * gg, tc = Transcendentals.tanh(c);
            i.putFloat(at, ii);
            f.putFloat(at, ff);
            o.putFloat(at, oo);
            g.putFloat(at, gg);
            cells.putFloat(next, c);
            cellTanh.putFloat(at, tc);
            hidden.putFloat(next, oo * tc);
        }
    }

    /**
     * Back through step t: dc += dh⊙cellFactor; dA_i, dA_f, dA_g = dc⊙factor_k; dA_o = dh⊙factor_o; then dc ⊙= f,
     * the part that reaches step t − 1. {@code cellGrad} is one [B, H] buffer carried across steps.
     */
    public static void backward(ByteBuffer dh, ByteBuffer cellFactor, ByteBuffer[] factors, ByteBuffer forget, ByteBuffer cellGrad,
                                ByteBuffer[] gateGrads, int t, int n) {
        int done = Simd.available() ? VectorLstm.backward(dh, cellFactor, factors, forget, cellGrad, gateGrads, t, n) : 0;
        backwardFloat(dh, cellFactor, factors, forget, cellGrad, gateGrads, t, n, done);
    }

    /** Gate order in {@code factors} and {@code gateGrads}: i, f, o, g. */
    static void backwardFloat(ByteBuffer dh, ByteBuffer cellFactor, ByteBuffer[] factors, ByteBuffer forget, ByteBuffer cellGrad,
                              ByteBuffer[] gateGrads, int t, int n, int from) {
        for (int e = from; e < n; e++) {
            int at = (t * n + e) * 4;
            float h = dh.getFloat(at), c = cellGrad.getFloat(e * 4) + h * cellFactor.getFloat(at);
            gateGrads[0].putFloat(at, c * factors[0].getFloat(at));
            gateGrads[1].putFloat(at, c * factors[1].getFloat(at));
            gateGrads[2].putFloat(at, h * factors[2].getFloat(at));
            gateGrads[3].putFloat(at, c * factors[3].getFloat(at));
            cellGrad.putFloat(e * 4, c * forget.getFloat(at));
        }
    }
}
