package io.spindle.core.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * OpenBLAS's row-major sgemm and sgemv on float memory at element offsets, for kernels that run many small products
 * over parts of one array: {@code Nd4j.gemm} needs an INDArray view per operand and call, whose set-up costs as much
 * as a small product. Thread count is OpenBLAS's (OMP_NUM_THREADS), as for ND4J's own GEMMs.
 */
public final class Sgemm {
    private Sgemm() {
    }

    /** A pointer to the first element of a contiguous FLOAT array, for the offsets below; keep the array reachable. */
    public static FloatPointer pointer(INDArray a) {
        if (a.dataType() != DataType.FLOAT || !Memory.isContiguous(a)) {
            throw new IllegalArgumentException("sgemm needs a contiguous FLOAT array, not " + a.dataType() + " of shape " + java.util.Arrays.toString(a.shape()));
        }
        return new FloatPointer(a.data().addressPointer());
    }

    /** C[m, n] = alpha · op(A) · op(B) + beta · C, row-major, each operand at an element offset with its leading dimension. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            FloatPointer a, long aAt, int lda, FloatPointer b, long bAt, int ldb,
                            float beta, FloatPointer c, long cAt, int ldc) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, alpha, a.position(aAt), lda, b.position(bAt), ldb, beta, c.position(cAt), ldc);
    }

    /** y[m] = A[m, n] · x[n] + beta · y, row-major. */
    public static void gemv(int m, int n, FloatPointer a, long aAt, int lda, FloatPointer x, long xAt, float beta, FloatPointer y, long yAt) {
        openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans, m, n, 1f,
                a.position(aAt), lda, x.position(xAt), 1, beta, y.position(yAt), 1);
    }
}
