package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD twins of {@link ConvRows}' loops (Vector API: load only after {@link Simd#available()}); each row's tail is scalar. */
final class VectorConvRows {
    private static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorConvRows() {
    }

    static void addRun(ByteBuffer dst, int dstAt, ByteBuffer src, int srcAt, int n) {
        int bound = FLOATS.loopBound(n), lanes = FLOATS.length();
        for (int j = 0; j < bound; j += lanes) {
            FloatVector.fromByteBuffer(FLOATS, dst, (dstAt + j) * 4, ORDER).add(FloatVector.fromByteBuffer(FLOATS, src, (srcAt + j) * 4, ORDER))
                    .intoByteBuffer(dst, (dstAt + j) * 4, ORDER);
        }
        ConvRows.addRun(dst, dstAt, src, srcAt, bound, n);
    }
}
