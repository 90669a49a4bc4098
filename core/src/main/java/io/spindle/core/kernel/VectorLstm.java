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

    /**
     * {@link LstmCell#forward}'s step over the columns of each row that whole vectors cover, lane by lane in its order;
     * returns the first column left to the scalar loop. Each activation goes through {@link VectorMath#activationAt}, which
     * stores its result: the cell update reads it back from the cache, so no vector crosses a call.
     */
    static int forward(ByteBuffer[] gates, ByteBuffer[] bias, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer hidden,
                       int t, int batch, int units) {
        int bound = FLOATS.loopBound(units), n = batch * units;
        ByteBuffer i = gates[0], f = gates[1], o = gates[2], g = gates[3];
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < bound; j += FLOATS.length()) {
                int at = (t * n + row * units + j) * 4, next = at + n * 4, b = j * 4;
                VectorMath.activationAt(i, at, bias[0], b, i, at, true, 1f, 1f, 0f);
                VectorMath.activationAt(f, at, bias[1], b, f, at, true, 1f, 1f, 0f);
                VectorMath.activationAt(o, at, bias[2], b, o, at, true, 1f, 1f, 0f);
                VectorMath.activationAt(g, at, bias[3], b, g, at, false, 1f, 1f, 0f);
                FloatVector.fromByteBuffer(FLOATS, f, at, ORDER).mul(FloatVector.fromByteBuffer(FLOATS, cells, at, ORDER))
                        .add(FloatVector.fromByteBuffer(FLOATS, i, at, ORDER).mul(FloatVector.fromByteBuffer(FLOATS, g, at, ORDER)))
                        .intoByteBuffer(cells, next, ORDER);
                VectorMath.activationAt(cells, next, null, 0, cellTanh, at, false, 1f, 1f, 0f);
                FloatVector.fromByteBuffer(FLOATS, o, at, ORDER).mul(FloatVector.fromByteBuffer(FLOATS, cellTanh, at, ORDER))
                        .intoByteBuffer(hidden, next, ORDER);
            }
        }
        return bound;
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
