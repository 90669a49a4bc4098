package io.spindle.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-row sums and per-row broadcasts of [N, D] matrices as GEMMs against a vector of ones.
 * libnd4j's reductions along an axis and its column-vector broadcasts walk one small tensor at
 * a time; as sgemm/sgemv they run several times faster at sequence-model shapes ([B·T, 64]).
 */
final class RowReductions {
    private final Map<Long, INDArray> ones = new HashMap<>();

    /**
     * A [1, n] row of ones, kept per length (a layer sees two or three: D, B·T and the last batch's).
     * Exact-length arrays matter: a view into a longer one or a transpose flag on it sends sgemm down a much slower path
     * (bench/RESULTS.md, "A figure moved out of a code comment").
     */
    private INDArray ones(DataType type, long n) {
        INDArray o = ones.get(n);
        if (o == null || o.dataType() != type) ones.put(n, o = Nd4j.ones(type, 1, n));
        return o;
    }

    /** {@code out[N, 1] = scale · Σ_columns x} (scale 1/D gives row means). */
    void rowSums(INDArray x, INDArray out, double scale) {
        Nd4j.gemm(x, ones(x.dataType(), x.size(1)).reshape(x.size(1), 1), out, false, false, scale, 0.0);
    }

    /** {@code out[N, D] = beta · out + scale · column ⊗ 1}: every row gets its own value. */
    void broadcastColumn(INDArray column, INDArray out, double scale, double beta) {
        Nd4j.gemm(column, ones(out.dataType(), out.size(1)), out, false, false, scale, beta);
    }

    /** {@code out[1, D] += Σ_rows x}, accumulated (the way gradients are). */
    void addColumnSums(INDArray x, INDArray out) {
        Nd4j.gemm(ones(x.dataType(), x.size(0)), x, out, false, false, 1.0, 1.0);
    }
}
