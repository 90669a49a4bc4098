package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD passes of {@link LstmCell}: lane by lane its operations in its order; no vector crosses a method
 * boundary (see {@link VectorMath}). Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorLstm {
    private static final VectorSpecies<Float> FLOATS = VectorMath.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLstm() {
    }

    /** c_t = f⊙c_{t−1} + i⊙g from the step's activations, into slot t + 1 of {@code cells}. */
    static void cell(ByteBuffer i, ByteBuffer f, ByteBuffer g, ByteBuffer cells, int t, int n) {
        int bound = FLOATS.loopBound(n);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * n + e) * 4;
            FloatVector ff = FloatVector.fromByteBuffer(FLOATS, f, at, ORDER), ii = FloatVector.fromByteBuffer(FLOATS, i, at, ORDER);
            ff.mul(FloatVector.fromByteBuffer(FLOATS, cells, at, ORDER)).add(ii.mul(FloatVector.fromByteBuffer(FLOATS, g, at, ORDER)))
                    .intoByteBuffer(cells, at + n * 4, ORDER);
        }
        for (int e = bound; e < n; e++) {
            int at = (t * n + e) * 4;
            cells.putFloat(at + n * 4, f.getFloat(at) * cells.getFloat(at) + i.getFloat(at) * g.getFloat(at));
        }
    }

    /** h_t = o⊙tanh(c_t), into slot t + 1 of {@code hidden}. */
    static void hidden(ByteBuffer o, ByteBuffer cellTanh, ByteBuffer hidden, int t, int n) {
        int bound = FLOATS.loopBound(n);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * n + e) * 4;
            FloatVector.fromByteBuffer(FLOATS, o, at, ORDER).mul(FloatVector.fromByteBuffer(FLOATS, cellTanh, at, ORDER))
                    .intoByteBuffer(hidden, at + n * 4, ORDER);
        }
        for (int e = bound; e < n; e++) {
            int at = (t * n + e) * 4;
            hidden.putFloat(at + n * 4, o.getFloat(at) * cellTanh.getFloat(at));
        }
    }

    /** {@link LstmCell#backward}'s step, lane by lane in its order; returns the elements done (the tail is the scalar loop's). */
    static int backward(ByteBuffer dh, ByteBuffer[] gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer cellGrad,
                        ByteBuffer[] gateGrads, int t, int n) {
        int bound = FLOATS.loopBound(n);
        for (int e = 0; e < bound; e += FLOATS.length()) {
            int at = (t * n + e) * 4;
            FloatVector ii = FloatVector.fromByteBuffer(FLOATS, gates[0], at, ORDER), ff = FloatVector.fromByteBuffer(FLOATS, gates[1], at, ORDER);
            FloatVector oo = FloatVector.fromByteBuffer(FLOATS, gates[2], at, ORDER), gg = FloatVector.fromByteBuffer(FLOATS, gates[3], at, ORDER);
            FloatVector tc = FloatVector.fromByteBuffer(FLOATS, cellTanh, at, ORDER), h = FloatVector.fromByteBuffer(FLOATS, dh, at, ORDER);
            FloatVector one = FloatVector.broadcast(FLOATS, 1f);
            FloatVector c = FloatVector.fromByteBuffer(FLOATS, cellGrad, e * 4, ORDER).add(h.mul(one.sub(tc.mul(tc)).mul(oo)));
            c.mul(ii.sub(ii.mul(ii)).mul(gg)).intoByteBuffer(gateGrads[0], at, ORDER);
            c.mul(ff.sub(ff.mul(ff)).mul(FloatVector.fromByteBuffer(FLOATS, cells, at, ORDER))).intoByteBuffer(gateGrads[1], at, ORDER);
            h.mul(oo.sub(oo.mul(oo)).mul(tc)).intoByteBuffer(gateGrads[2], at, ORDER);
            c.mul(one.sub(gg.mul(gg)).mul(ii)).intoByteBuffer(gateGrads[3], at, ORDER);
            c.mul(ff).intoByteBuffer(cellGrad, e * 4, ORDER);
        }
        return bound;
    }
}
