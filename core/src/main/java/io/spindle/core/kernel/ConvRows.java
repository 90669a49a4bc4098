package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * The passes around a convolution's GEMMs: its output comes out of the GEMM one row per position at the padded
 * image's width and goes into the layer's planes with the bias added; the output gradient goes the other way;
 * col2im adds runs. Offsets and strides count floats. SIMD where it pays; every path gives the same bits.
 */
public final class ConvRows {
    private ConvRows() {
    }

    /** {@code dst[dstAt + r·dstStride + j] = src[srcAt + r·cols + j]}: rows into a wider layout (its extra columns untouched). */
    public static void widen(ByteBuffer src, int srcAt, int rows, int cols, ByteBuffer dst, int dstAt, int dstStride) {
        for (int r = 0; r < rows; r++) dst.put((dstAt + r * dstStride) * 4, src, (srcAt + r * cols) * 4, cols * 4);
    }

    /**
     * The GEMM's output, one row of {@code filters} values per position at the padded width {@code wp}, into the
     * layer's planes: {@code dst[dstAt + (f·outH + i)·outW + j] = src[(i·wp + j)·filters + f] + bias[f]}.
     */
    public static void transposeBias(ByteBuffer src, int filters, int wp, ByteBuffer dst, int dstAt, int outH, int outW, float[] bias) {
        for (int f = 0; f < filters; f++) {
            float b = bias[f];
            int d = dstAt + f * outH * outW;
            for (int i = 0; i < outH; i++) {
                for (int j = 0, at = (i * wp * filters + f) * 4; j < outW; j++, at += filters * 4, d++) {
                    dst.putFloat(d * 4, src.getFloat(at) + b);
                }
            }
        }
    }

    /** {@code dst[dstAt + j] += src[srcAt + j]} for j < n. */
    public static void addRun(ByteBuffer dst, int dstAt, ByteBuffer src, int srcAt, int n) {
        if (Simd.available()) {
            VectorConvRows.addRun(dst, dstAt, src, srcAt, n);
        } else {
            addRun(dst, dstAt, src, srcAt, 0, n);
        }
    }

    static void addRun(ByteBuffer dst, int dstAt, ByteBuffer src, int srcAt, int from, int to) {
        for (int j = from; j < to; j++) dst.putFloat((dstAt + j) * 4, dst.getFloat((dstAt + j) * 4) + src.getFloat((srcAt + j) * 4));
    }
}
