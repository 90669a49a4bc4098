package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD passes of {@link GruCell} over columns 0..{@code to} of every row (the rest is the scalar loop's): lane by
 * lane its operations in its order; no vector crosses a method boundary (see {@link VectorMath}). Gate and recurrent
 * rows are 3H wide, the blocks z, r, n side by side. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorGru {
    private static final VectorSpecies<Float> FLOATS = VectorMath.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorGru() {
    }

    /** z's and r's x·W += h·U, in place; returns the first column of each block left to the scalar loop. */
    static int addRecurrent(ByteBuffer gates, ByteBuffer recurrent, int t, int batch, int units) {
        int bound = FLOATS.loopBound(units), block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < bound; j += FLOATS.length()) {
                    int at = ((t * batch + row) * 3 * units + j) * 4 + k * block;
                    FloatVector.fromByteBuffer(FLOATS, gates, at, ORDER).add(FloatVector.fromByteBuffer(FLOATS, recurrent, at, ORDER))
                            .intoByteBuffer(gates, at, ORDER);
                }
            }
        }
        return bound;
    }

    /** q = h·U_n + b_hn into the recurrent row, and n's pre-activation (x·W_n + b_n) + r⊙q into the gate row. */
    static void candidate(ByteBuffer gates, ByteBuffer recurrentBias, ByteBuffer recurrent, int t, int batch, int units, int to) {
        int block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < to; j += FLOATS.length()) {
                int at = ((t * batch + row) * 3 * units + j) * 4;
                FloatVector q = FloatVector.fromByteBuffer(FLOATS, recurrent, at + 2 * block, ORDER).add(FloatVector.fromByteBuffer(FLOATS, recurrentBias, j * 4, ORDER));
                q.intoByteBuffer(recurrent, at + 2 * block, ORDER);
                FloatVector.fromByteBuffer(FLOATS, gates, at + 2 * block, ORDER).add(FloatVector.fromByteBuffer(FLOATS, gates, at + block, ORDER).mul(q))
                        .intoByteBuffer(gates, at + 2 * block, ORDER);
            }
        }
    }

    /** h_t = n + (h_{t−1} − n)⊙z, from slot t of {@code hidden} into slot t + 1. */
    static void hidden(ByteBuffer gates, ByteBuffer hidden, int t, int batch, int units, int to) {
        int n = batch * units, block = units * 4;
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < to; j += FLOATS.length()) {
                int at = ((t * batch + row) * 3 * units + j) * 4, cell = (t * n + row * units + j) * 4;
                FloatVector nn = FloatVector.fromByteBuffer(FLOATS, gates, at + 2 * block, ORDER);
                nn.add(FloatVector.fromByteBuffer(FLOATS, hidden, cell, ORDER).sub(nn).mul(FloatVector.fromByteBuffer(FLOATS, gates, at, ORDER)))
                        .intoByteBuffer(hidden, cell + n * 4, ORDER);
            }
        }
    }

    /** {@link GruCell#backward}'s step, lane by lane in its order; returns the first column left to the scalar loop. */
    static int backward(ByteBuffer hiddenGrad, ByteBuffer gates, ByteBuffer recurrent, ByteBuffer hidden, ByteBuffer gateGrads,
                        ByteBuffer recurrentGrads, int t, int batch, int units) {
        int bound = FLOATS.loopBound(units), n = batch * units, block = units * 4;
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < bound; j += FLOATS.length()) {
                int at = ((t * batch + row) * 3 * units + j) * 4, cell = (t * n + row * units + j) * 4, before = cell - n * 4;
                FloatVector zz = FloatVector.fromByteBuffer(FLOATS, gates, at, ORDER), rr = FloatVector.fromByteBuffer(FLOATS, gates, at + block, ORDER);
                FloatVector nn = FloatVector.fromByteBuffer(FLOATS, gates, at + 2 * block, ORDER), dh = FloatVector.fromByteBuffer(FLOATS, hiddenGrad, cell, ORDER);
                FloatVector q = FloatVector.fromByteBuffer(FLOATS, recurrent, at + 2 * block, ORDER);
                FloatVector dz = dh.mul(FloatVector.fromByteBuffer(FLOATS, hidden, cell, ORDER).sub(nn).mul(zz.sub(zz.mul(zz))));
                FloatVector dn = dh.mul(one.sub(zz).mul(one.sub(nn.mul(nn))));
                FloatVector dr = dn.mul(q.mul(rr.sub(rr.mul(rr))));
                dz.intoByteBuffer(gateGrads, at, ORDER);
                dr.intoByteBuffer(gateGrads, at + block, ORDER);
                dn.intoByteBuffer(gateGrads, at + 2 * block, ORDER);
                dz.intoByteBuffer(recurrentGrads, at, ORDER);
                dr.intoByteBuffer(recurrentGrads, at + block, ORDER);
                dn.mul(rr).intoByteBuffer(recurrentGrads, at + 2 * block, ORDER);
                if (t > 0) FloatVector.fromByteBuffer(FLOATS, hiddenGrad, before, ORDER).add(dh.mul(zz)).intoByteBuffer(hiddenGrad, before, ORDER);
            }
        }
        return bound;
    }
}
