package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD passes of {@link LstmCell} over columns 0..{@code to} of every row (the rest is the scalar loop's): lane by
 * lane its operations in its order; no vector crosses a method boundary (see {@link VectorMath}). Gate rows are 4H
 * wide, the blocks i, f, o, g side by side. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorLstm {
    private static final VectorSpecies<Float> FLOATS = VectorMath.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLstm() {
    }

    /** c_t = f⊙c_{t−1} + i⊙g from the step's activations, into slot t + 1 of {@code cells}. */
    static void cell(ByteBuffer gates, ByteBuffer cells, int t, int batch, int units, int to) {
        int n = batch * units, block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < to; j += FLOATS.length()) {
                int at = ((t * batch + row) * 4 * units + j) * 4, cell = (t * n + row * units + j) * 4;
                FloatVector ff = FloatVector.fromByteBuffer(FLOATS, gates, at + block, ORDER), ii = FloatVector.fromByteBuffer(FLOATS, gates, at, ORDER);
                ff.mul(FloatVector.fromByteBuffer(FLOATS, cells, cell, ORDER)).add(ii.mul(FloatVector.fromByteBuffer(FLOATS, gates, at + 3 * block, ORDER)))
                        .intoByteBuffer(cells, cell + n * 4, ORDER);
            }
        }
    }

    /** h_t = o⊙tanh(c_t), into slot t + 1 of {@code hidden}. */
    static void hidden(ByteBuffer gates, ByteBuffer cellTanh, ByteBuffer hidden, int t, int batch, int units, int to) {
        int n = batch * units, block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < to; j += FLOATS.length()) {
                int at = ((t * batch + row) * 4 * units + j) * 4, cell = (t * n + row * units + j) * 4;
                FloatVector.fromByteBuffer(FLOATS, gates, at + 2 * block, ORDER).mul(FloatVector.fromByteBuffer(FLOATS, cellTanh, cell, ORDER))
                        .intoByteBuffer(hidden, cell + n * 4, ORDER);
            }
        }
    }

    /** {@link LstmCell#backward}'s step, lane by lane in its order; returns the first column left to the scalar loop. */
    static int backward(ByteBuffer dh, ByteBuffer gates, ByteBuffer cells, ByteBuffer cellTanh, ByteBuffer cellGrad,
                        ByteBuffer gateGrads, int t, int batch, int units) {
        int bound = FLOATS.loopBound(units), n = batch * units, block = units * 4;
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < bound; j += FLOATS.length()) {
                int at = ((t * batch + row) * 4 * units + j) * 4, e = (row * units + j) * 4, cell = t * n * 4 + e;
                FloatVector ii = FloatVector.fromByteBuffer(FLOATS, gates, at, ORDER), ff = FloatVector.fromByteBuffer(FLOATS, gates, at + block, ORDER);
                FloatVector oo = FloatVector.fromByteBuffer(FLOATS, gates, at + 2 * block, ORDER), gg = FloatVector.fromByteBuffer(FLOATS, gates, at + 3 * block, ORDER);
                FloatVector tc = FloatVector.fromByteBuffer(FLOATS, cellTanh, cell, ORDER), h = FloatVector.fromByteBuffer(FLOATS, dh, cell, ORDER);
                FloatVector c = FloatVector.fromByteBuffer(FLOATS, cellGrad, e, ORDER).add(h.mul(one.sub(tc.mul(tc)).mul(oo)));
                c.mul(ii.sub(ii.mul(ii)).mul(gg)).intoByteBuffer(gateGrads, at, ORDER);
                c.mul(ff.sub(ff.mul(ff)).mul(FloatVector.fromByteBuffer(FLOATS, cells, cell, ORDER))).intoByteBuffer(gateGrads, at + block, ORDER);
                h.mul(oo.sub(oo.mul(oo)).mul(tc)).intoByteBuffer(gateGrads, at + 2 * block, ORDER);
                c.mul(one.sub(gg.mul(gg)).mul(ii)).intoByteBuffer(gateGrads, at + 3 * block, ORDER);
                c.mul(ff).intoByteBuffer(cellGrad, e, ORDER);
            }
        }
        return bound;
    }
}
