package io.spindle.core.nn;

import io.spindle.core.kernel.ConvTaps;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Stride-1 convolution of float NCHW images with few channels as a direct convolution ({@link ConvTaps}) on a
 * zero-padded copy of the batch, with the layer's ReLU fused in when it has one.
 * On the padded grid, the input window of tap (kh, kw) for every output position is one contiguous run of the
 * padded channel, shifted by kh·dH·Wp + kw·dW, if the output is computed at the padded width Wp (the Wp − W' extra
 * columns per row are computed and dropped). So no im2col copy is made: each tap reads its run in place.
 * Shapes (K = kH·kW·C rows ordered (kh, kw, c) as the weights, N = H'·Wp positions rounded up to the kernel's block):
 * x [B, C, H, W]; padded [B, C, plane] with plane ≥ Hp·Wp; W [K, F]; wide [B, F, N] (kept for ReLU's backward);
 * samplePlanes [F, H', W'] (one sample's output or output gradient, moved in one bulk copy); y [B, F, H', W'];
 * grad [F, front + N] per sample (the output gradient on the padded grid after {@code front} zeros, so that the input
 * gradient can gather from it at negative shifts); dx on the padded grid [C, M] per sample.
 */
final class ConvKernel {
    private final ConvGeometry g;
    private final int filters;
    private final float[] bias, scratch = new float[ConvTaps.SCRATCH];
    private final double[] biasSums;
    private long[] inputShape = new long[0];
    private int channels, h, w, outH, outW, wp, padTop, padLeft, n, m, plane, front, gStride;
    private int[] shifts, tapShifts, gradShifts;
    private float[] padded, weightCopy, weightsBack, zeroBias, wide, samplePlanes, grad, dxPlane;
    private double[] weightSums;

    ConvKernel(ConvGeometry g, int filters) {
        this.g = g;
        this.filters = filters;
        this.bias = new float[filters];
        this.biasSums = new double[filters];
    }

    /** Input channels up to which the kernel beats libnd4j's oneDNN conv2d/conv2d_bp, as measured side by side. */
    static final int MAX_CHANNELS = 4;

    /**
     * Whether the kernel takes this layer: stride 1, FLOAT, contiguous arrays, and few input channels (a first
     * layer on images): with many, oneDNN's convolution (512-bit, blocked layouts) is faster than these 256-bit loops.
     */
    static boolean applies(ConvGeometry g, INDArray x, INDArray... params) {
        if (g.strideH() != 1 || g.strideW() != 1 || x.rank() != 4 || x.dataType() != DataType.FLOAT || !Memory.isContiguous(x)) return false;
        if (x.size(1) > MAX_CHANNELS) return false;
        if (x.length() > Integer.MAX_VALUE / 8) return false;
        for (INDArray p : params) {
            if (p != null && (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p))) return false;
        }
        Grid grid = Grid.of(g, x.shape());
        return x.size(0) * grid.channels() * grid.plane() <= Integer.MAX_VALUE;
    }

    /** y = conv(x, W) + b, then max(y, 0) when {@code relu}; keeps the padded copy of x for {@link #backward}. {@code bias} may be null. */
    void forward(INDArray x, INDArray weights, INDArray biasArray, boolean relu, INDArray y) {
        prepare(x);
        int batch = (int) x.size(0), perSample = channels * plane;
        FloatBuffer in = Memory.of(x).asFloatBuffer(), out = Memory.of(y).asFloatBuffer();
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < h; i++) {
                    in.get(((s * channels + c) * h + i) * w, padded, s * perSample + c * plane + (i + padTop) * wp + padLeft, w);
                }
            }
        }
        Memory.of(weights).asFloatBuffer().get(0, weightCopy, 0, weightCopy.length);
        if (biasArray == null) Arrays.fill(bias, 0f); else Memory.of(biasArray).asFloatBuffer().get(0, bias, 0, filters);
        for (int s = 0; s < batch; s++) {
            int at = s * filters * n;
            ConvTaps.forward(padded, s * perSample, shifts, weightCopy, filters, bias, relu, wide, at, n, n);
            for (int f = 0; f < filters; f++) {
                for (int i = 0; i < outH; i++) System.arraycopy(wide, at + f * n + i * wp, samplePlanes, (f * outH + i) * outW, outW);
            }
            out.put(s * samplePlanes.length, samplePlanes, 0, samplePlanes.length);
        }
    }

    /**
     * Adds dW (and db, when {@code biasGrad} is given) of the last forward's batch; writes dx when {@code dx} is given.
     * {@code relu}: whether the forward applied ReLU (dy then counts only where its output was positive).
     */
    void backward(INDArray dy, boolean relu, INDArray weightGrad, INDArray biasGrad, INDArray dx) {
        int batch = (int) dy.size(0), perSample = channels * plane;
        FloatBuffer grads = Memory.of(dy).asFloatBuffer(), dxOut = dx == null ? null : Memory.of(dx).asFloatBuffer();
        for (int s = 0; s < batch; s++) {
            grads.get(s * samplePlanes.length, samplePlanes, 0, samplePlanes.length);
            // The extra columns and the positions past N stay 0 from the allocation: they add nothing.
            for (int f = 0; f < filters; f++) {
                for (int i = 0; i < outH; i++) System.arraycopy(samplePlanes, (f * outH + i) * outW, grad, f * gStride + front + i * wp, outW);
            }
            if (relu) ConvTaps.keepWherePositive(grad, front, gStride, wide, s * filters * n, n, filters, n);
            ConvTaps.weightGradient(padded, s * perSample, shifts, grad, front, gStride, filters, n, weightSums,
                    biasGrad == null ? null : biasSums, scratch);
            if (dxOut == null) continue;
            transposeWeights();
            ConvTaps.forward(grad, front, gradShifts, weightsBack, channels, zeroBias, false, dxPlane, 0, m, m);
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < h; i++) dxOut.put(((s * channels + c) * h + i) * w, dxPlane, c * m + (i + padTop) * wp + padLeft, w);
            }
        }
        addInto(weightGrad, weightSums);
        if (biasGrad != null) addInto(biasGrad, biasSums);
    }

    /**
     * The input gradient is the forward's pattern run backwards: dx[c][q] = Σ_(t, f) W[t, c, f] · grad[f][q − shift_t],
     * a convolution of grad with rows (t, f) at shifts f·gStride − shift_t and weights [(t, f), c].
     */
    private void transposeWeights() {
        int taps = tapShifts.length;
        for (int t = 0; t < taps; t++) {
            for (int f = 0; f < filters; f++) {
                for (int c = 0; c < channels; c++) weightsBack[(t * filters + f) * channels + c] = weightCopy[(t * channels + c) * filters + f];
            }
        }
    }

    /** {@code target += sums} in float, then the sums back to 0 for the next batch. */
    private static void addInto(INDArray target, double[] sums) {
        FloatBuffer t = Memory.of(target).asFloatBuffer();
        for (int i = 0; i < sums.length; i++) t.put(i, t.get(i) + (float) sums[i]);
        Arrays.fill(sums, 0);
    }

    /** The padded grid of one input shape; maxShift is the last tap's shift, how far its run reaches past a position. */
    private record Grid(int channels, int h, int w, int outH, int outW, int padTop, int padLeft, int hp, int wp, long maxShift) {
        static Grid of(ConvGeometry g, long[] shape) {
            int h = (int) shape[2], w = (int) shape[3], outH = (int) g.outH(h), outW = (int) g.outW(w);
            int[] pads = g.explicitPaddingArgs(h, w);
            int hp = Math.max(outH + (g.kernelH() - 1) * g.dilationH(), pads[4] + h);
            int wp = Math.max(outW + (g.kernelW() - 1) * g.dilationW(), pads[5] + w);
            long maxShift = (long) (g.kernelH() - 1) * g.dilationH() * wp + (long) (g.kernelW() - 1) * g.dilationW();
            return new Grid((int) shape[1], h, w, outH, outW, pads[4], pads[5], hp, wp, maxShift);
        }

        /** Output positions at the padded width, rounded up to whole blocks. */
        long positions() {
            return roundUp((long) outH * wp);
        }

        /** One channel's run: the padded image, and the last tap's reach past the last position. */
        long plane() {
            return roundUp(Math.max((long) hp * wp, positions() + maxShift));
        }

        /** The padded grid's positions, rounded up to whole blocks: where the input gradient is gathered. */
        long inputPositions() {
            return roundUp((long) hp * wp);
        }

        /** A row of the output gradient: zeros the input gradient's gather may read before it, then the positions. */
        long gradStride() {
            return roundUp(maxShift) + Math.max(positions(), inputPositions());
        }

        static long roundUp(long v) {
            return (v + ConvTaps.BLOCK - 1) / ConvTaps.BLOCK * ConvTaps.BLOCK;
        }
    }

    /** Sizes the work arrays for this input shape (the padded copy's border stays 0: only its interior is written). */
    private void prepare(INDArray x) {
        if (Arrays.equals(inputShape, x.shape())) return;
        inputShape = x.shape();
        Grid grid = Grid.of(g, inputShape);
        channels = grid.channels();
        h = grid.h();
        w = grid.w();
        outH = grid.outH();
        outW = grid.outW();
        padTop = grid.padTop();
        padLeft = grid.padLeft();
        wp = grid.wp();
        n = (int) grid.positions();
        plane = (int) grid.plane();
        m = (int) grid.inputPositions();
        int taps = g.kernelH() * g.kernelW(), k = taps * channels;
        tapShifts = new int[taps];
        shifts = new int[k];
        for (int kh = 0, t = 0; kh < g.kernelH(); kh++) {
            for (int kw = 0; kw < g.kernelW(); kw++, t++) {
                tapShifts[t] = kh * g.dilationH() * wp + kw * g.dilationW();
                for (int c = 0; c < channels; c++) shifts[t * channels + c] = c * plane + tapShifts[t];
            }
        }
        front = (int) Grid.roundUp(grid.maxShift());
        gStride = Math.toIntExact(grid.gradStride());
        gradShifts = new int[taps * filters];
        for (int t = 0; t < taps; t++) {
            for (int f = 0; f < filters; f++) gradShifts[t * filters + f] = f * gStride - tapShifts[t];
        }
        padded = new float[Math.multiplyExact((int) x.size(0), channels * plane)];
        weightCopy = new float[k * filters];
        weightsBack = new float[k * filters];
        zeroBias = new float[channels];
        weightSums = new double[k * filters];
        wide = new float[Math.multiplyExact((int) x.size(0), Math.multiplyExact(filters, n))];
        samplePlanes = new float[filters * outH * outW];
        grad = new float[Math.multiplyExact(filters, gStride)];
        dxPlane = new float[channels * m];
    }
}
