package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD loops. This class names the incubator Vector API, so only callers that checked
 * {@link Simd#available()} may load it. Each loop does, lane by lane, exactly the operations of its
 * scalar twin (no fused multiply-add), and hands the tail to that twin.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLoops() {
    }

    static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int n,
                     float beta1, float beta2, float alpha, float epsilon) {
        float keep1 = 1 - beta1, keep2 = 1 - beta2;
        int bound = FLOATS.loopBound(n), step = FLOATS.length() * 4;
        for (int at = 0, end = bound * 4; at < end; at += step) {
            FloatVector gi = FloatVector.fromByteBuffer(FLOATS, g, at, ORDER);
            FloatVector mi = FloatVector.fromByteBuffer(FLOATS, m, at, ORDER).mul(beta1).add(gi.mul(keep1));
            FloatVector vi = FloatVector.fromByteBuffer(FLOATS, v, at, ORDER).mul(beta2).add(gi.mul(gi).mul(keep2));
            mi.intoByteBuffer(m, at, ORDER);
            vi.intoByteBuffer(v, at, ORDER);
            FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, ORDER);
            pi.sub(mi.mul(alpha).div(vi.lanewise(VectorOperators.SQRT).add(epsilon))).intoByteBuffer(p, at, ORDER);
        }
        AdamKernel.scalarFloat(p, g, m, v, bound, n, beta1, beta2, alpha, epsilon);
    }

    static void mean(ByteBuffer[] in, ByteBuffer out, int from, int to) {
        float n = in.length;
        int lanes = FLOATS.length(), bound = from + FLOATS.loopBound(to - from);
        for (int at = from * 4, end = bound * 4; at < end; at += lanes * 4) {
            FloatVector sum = FloatVector.fromByteBuffer(FLOATS, in[0], at, ORDER);
            for (int r = 1; r < in.length; r++) sum = sum.add(FloatVector.fromByteBuffer(FLOATS, in[r], at, ORDER));
            sum.div(n).intoByteBuffer(out, at, ORDER);
        }
        FloatLoops.scalarMean(in, out, bound, to);
    }
}
