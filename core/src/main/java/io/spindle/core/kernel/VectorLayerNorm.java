package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link LayerNormRows}: eight lanes ({@link VectorWidth}), so sums run in the scalar twin's
 * order; each loop keeps its vectors to itself. Load only after {@link Simd#available()}.
 */
final class VectorLayerNorm {
    private static final VectorSpecies<Float> EIGHT = VectorWidth.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLayerNorm() {
    }

    static void normalize(ByteBuffer x, ByteBuffer y, int from, int n, float mean, float invStd, ByteBuffer gain, ByteBuffer bias) {
        int bound = EIGHT.loopBound(n);
        for (int j = 0; j < bound; j += EIGHT.length()) {
            FloatVector xhat = FloatVector.fromByteBuffer(EIGHT, x, (from + j) * 4, ORDER).sub(mean).mul(invStd);
            xhat.mul(FloatVector.fromByteBuffer(EIGHT, gain, j * 4, ORDER)).add(FloatVector.fromByteBuffer(EIGHT, bias, j * 4, ORDER))
                    .intoByteBuffer(y, (from + j) * 4, ORDER);
        }
        LayerNormRows.normalizeFloat(x, y, from, bound, n, mean, invStd, gain, bias);
    }

    static void gradientSums(ByteBuffer dy, ByteBuffer x, int from, int n, float mean, float invStd, ByteBuffer gain, float[] out) {
        FloatVector s = FloatVector.zero(EIGHT), p = s;
        int bound = n / RowLoops.LANES * RowLoops.LANES;
        for (int j = 0; j < bound; j += RowLoops.LANES) {
            FloatVector g = FloatVector.fromByteBuffer(EIGHT, dy, (from + j) * 4, ORDER).mul(FloatVector.fromByteBuffer(EIGHT, gain, j * 4, ORDER));
            s = s.add(g);
            p = p.add(g.mul(FloatVector.fromByteBuffer(EIGHT, x, (from + j) * 4, ORDER).sub(mean).mul(invStd)));
        }
        float sSum = s.lane(0);
        for (int l = 1; l < RowLoops.LANES; l++) sSum += s.lane(l);   // lane order, as RowLoops.inOrder; no array per row
        float pSum = p.lane(0);
        for (int l = 1; l < RowLoops.LANES; l++) pSum += p.lane(l);   // lane order, as RowLoops.inOrder; no array per row
        LayerNormRows.gradientTail(dy, x, from, bound, n, mean, invStd, gain, sSum, pSum, out);
    }

    static void backward(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int n, float mean, float invStd, ByteBuffer gain,
                         float a, float b, ByteBuffer gainGrad, ByteBuffer biasGrad) {
        int bound = EIGHT.loopBound(n);
        for (int j = 0; j < bound; j += EIGHT.length()) {
            FloatVector g = FloatVector.fromByteBuffer(EIGHT, dy, (from + j) * 4, ORDER);
            FloatVector xhat = FloatVector.fromByteBuffer(EIGHT, x, (from + j) * 4, ORDER).sub(mean).mul(invStd);
            FloatVector.fromByteBuffer(EIGHT, gainGrad, j * 4, ORDER).add(g.mul(xhat)).intoByteBuffer(gainGrad, j * 4, ORDER);
            FloatVector.fromByteBuffer(EIGHT, biasGrad, j * 4, ORDER).add(g).intoByteBuffer(biasGrad, j * 4, ORDER);
            if (dx != null) {
                g.mul(FloatVector.fromByteBuffer(EIGHT, gain, j * 4, ORDER)).sub(a).sub(xhat.mul(b)).mul(invStd).intoByteBuffer(dx, (from + j) * 4, ORDER);
            }
        }
        LayerNormRows.backwardFloat(dy, x, dx, from, bound, n, mean, invStd, gain, a, b, gainGrad, biasGrad);
    }
}
