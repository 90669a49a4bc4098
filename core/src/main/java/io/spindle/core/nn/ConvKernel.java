package io.spindle.core.nn;

import io.spindle.core.kernel.ConvRows;
import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.Sgemm;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

/**
 * Stride-1 convolution of float NCHW images with few channels as a few large GEMMs per sample on a zero-padded copy
 * of the batch.
 * On the padded grid, the input window of tap (kh, kw) for every output position is one contiguous run of the
 * padded channel, shifted by kh·dH·Wp + kw·dW, if the output is computed at the padded width Wp (the Wp − W' extra
 * columns per row are computed and dropped). So im2col is a copy of T·C runs and col2im T·C additions of runs. Shapes (K = T·C, rows ordered (kh, kw, c) as the weights):
 * x [B, C, H, W]; padded [B, C, Hp, Wp]; W [K, F]; cols [K, N], wide [N, F] and gradWide [F, N] per sample with N = H'·Wp; y [B, F, H', W'].
 */
final class ConvKernel {
    private final ConvGeometry g;
    private final int filters;
    private final float[] biasValues;
    private long[] inputShape = new long[0];
    private int channels, h, w, outH, outW, hp, wp, padTop, padLeft, n, k, perSample;
    private INDArray padded, cols, wide, gradWide, paddedGrad, ones, zeros;
    private FloatPointer colsP, wideP, gradWideP, onesP;
    private ByteBuffer paddedB, colsB, wideB, gradWideB, paddedGradB, zerosB;

    ConvKernel(ConvGeometry g, int filters) {
        this.g = g;
        this.filters = filters;
        this.biasValues = new float[filters];
    }

    /** Input channels up to which the kernel beats libnd4j's oneDNN conv2d/conv2d_bp, as measured side by side. */
    static final int MAX_CHANNELS = 4;

    /**
     * Whether the kernel takes this layer: stride 1, FLOAT, contiguous arrays that one buffer addresses, and few input
     * channels (a first layer on images): with 8 or more, oneDNN's direct convolution was as fast or faster.
     */
    static boolean applies(ConvGeometry g, INDArray x, INDArray... params) {
        if (g.strideH() != 1 || g.strideW() != 1 || x.rank() != 4 || x.dataType() != DataType.FLOAT || !Memory.isContiguous(x)) return false;
        if (x.size(1) > MAX_CHANNELS) return false;
        if (x.length() > Integer.MAX_VALUE / 8) return false;
        for (INDArray p : params) {
            if (p != null && (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p))) return false;
        }
        return true;
    }

    /** y = conv(x, W) + b; keeps a padded copy of x for {@link #backward}. {@code bias} may be null. */
    void forward(INDArray x, INDArray weights, INDArray bias, INDArray y) {
        prepare(x);
        int batch = (int) x.size(0);
        ByteBuffer in = Memory.of(x), out = Memory.of(y), b = bias == null ? null : Memory.of(bias);
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < h; i++) {
                    paddedB.put((s * perSample + (c * hp + i + padTop) * wp + padLeft) * 4, in, ((s * channels + c) * h + i) * w * 4, w * 4);
                }
            }
        }
        FloatPointer wP = Sgemm.pointer(weights);
        for (int f = 0; f < filters; f++) biasValues[f] = b == null ? 0f : b.getFloat(f * 4);
        for (int s = 0; s < batch; s++) {
            im2col(s);
            // wide[N, F] = colsᵀ · W: this orientation ran faster than W ᵀ· cols with few filters (bench/RESULTS.md)
            Sgemm.gemm(true, false, n, filters, k, 1f, colsP, 0, n, wP, 0, filters, 0f, wideP, 0, filters);
            ConvRows.transposeBias(wideB, filters, wp, out, s * filters * outH * outW, outH, outW, biasValues);
        }
    }

    /** Adds dW (and db, when {@code biasGrad} is given) of the last forward's batch; writes dx when {@code dx} is given. */
    void backward(INDArray dy, INDArray weights, INDArray weightGrad, INDArray biasGrad, INDArray dx) {
        int batch = (int) dy.size(0), outPlane = outH * outW;
        ByteBuffer grad = Memory.of(dy), dxB = dx == null ? null : Memory.of(dx);
        FloatPointer wP = Sgemm.pointer(weights), dwP = Sgemm.pointer(weightGrad), dbP = biasGrad == null ? null : Sgemm.pointer(biasGrad);
        for (int s = 0; s < batch; s++) {
            // The extra columns of gradWide stay 0 from its allocation: they add nothing to dW, db or dx.
            ConvRows.widen(grad, s * filters * outPlane, filters * outH, outW, gradWideB, 0, wp);
            if (dbP != null) Sgemm.gemv(filters, n, gradWideP, 0, n, onesP, 0, 1f, dbP, 0);
            im2col(s);
            Sgemm.gemm(false, true, k, filters, n, 1f, colsP, 0, n, gradWideP, 0, n, 1f, dwP, 0, filters);
            if (dxB == null) continue;
            // dcols[K, N] = W · gradWide, then each row added into its shifted window of the padded gradient
            Sgemm.gemm(false, false, k, n, filters, 1f, wP, 0, filters, gradWideP, 0, n, 0f, colsP, 0, n);
            paddedGradB.put(0, zerosB, 0, zerosB.capacity());
            col2im();
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < h; i++) {
                    dxB.put(((s * channels + c) * h + i) * w * 4, paddedGradB, ((c * hp + i + padTop) * wp + padLeft) * 4, w * 4);
                }
            }
        }
    }

    /** The inverse of {@link #im2col} on the padded gradient: adds each row of cols into its window, taps in order. */
    private void col2im() {
        int r = 0;
        for (int kh = 0; kh < g.kernelH(); kh++) {
            for (int kw = 0; kw < g.kernelW(); kw++) {
                int shift = kh * g.dilationH() * wp + kw * g.dilationW();
                for (int c = 0; c < channels; c++, r++) ConvRows.addRun(paddedGradB, c * hp * wp + shift, colsB, r * n, n);
            }
        }
    }

    /** cols[(kh, kw, c), :] = sample s's padded channel c from the tap's shift on, N values. */
    private void im2col(int s) {
        int r = 0;
        for (int kh = 0; kh < g.kernelH(); kh++) {
            for (int kw = 0; kw < g.kernelW(); kw++) {
                int shift = kh * g.dilationH() * wp + kw * g.dilationW();
                for (int c = 0; c < channels; c++, r++) {
                    colsB.put(r * n * 4, paddedB, (s * perSample + c * hp * wp + shift) * 4, n * 4);
                }
            }
        }
    }

    /** Sizes the work arrays for this input shape (the padded copy's border stays 0: only its interior is written). */
    private void prepare(INDArray x) {
        if (java.util.Arrays.equals(inputShape, x.shape())) return;
        inputShape = x.shape();
        channels = (int) x.size(1);
        h = (int) x.size(2);
        w = (int) x.size(3);
        outH = (int) g.outH(h);
        outW = (int) g.outW(w);
        int[] pads = g.explicitPaddingArgs(h, w);
        padTop = pads[4];
        padLeft = pads[5];
        hp = Math.max(outH + (g.kernelH() - 1) * g.dilationH(), padTop + h);
        wp = Math.max(outW + (g.kernelW() - 1) * g.dilationW(), padLeft + w);
        n = outH * wp;
        k = g.kernelH() * g.kernelW() * channels;
        perSample = channels * hp * wp;
        // The last tap's run of the last channel reaches (kW − 1)·dW values past the plane (extra columns only).
        long slack = (long) (g.kernelW() - 1) * g.dilationW();
        padded = Nd4j.zeros(DataType.FLOAT, x.size(0) * perSample + slack);
        cols = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) k * n}, 'c');
        wide = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) filters * n}, 'c');
        gradWide = Nd4j.zeros(DataType.FLOAT, (long) filters * n);
        paddedGrad = Nd4j.createUninitialized(DataType.FLOAT, new long[] {perSample + slack}, 'c');
        zeros = Nd4j.zeros(DataType.FLOAT, perSample + slack);
        ones = Nd4j.ones(DataType.FLOAT, n);
        colsP = Sgemm.pointer(cols);
        wideP = Sgemm.pointer(wide);
        gradWideP = Sgemm.pointer(gradWide);
        onesP = Sgemm.pointer(ones);
        paddedB = Memory.of(padded);
        colsB = Memory.of(cols);
        wideB = Memory.of(wide);
        gradWideB = Memory.of(gradWide);
        paddedGradB = Memory.of(paddedGrad);
        zerosB = Memory.of(zeros);
    }
}
