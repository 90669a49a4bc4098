package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling without padding over contiguous float NCHW images, remembering where in its window each maximum
 * was, so that the backward pass scatters the gradient in one pass over the output (libnd4j's maxpool2d_bp searches
 * every window again). The first maximum of a window in row-major order takes the gradient, also on ties.
 * 2×2 windows with stride 2 run in SIMD ({@code VectorPool}), with selects instead of branches: which of four
 * values is largest is a coin toss that a branch predictor loses.
 * Shapes: x [B, C, H, W], y and the offsets [B, C, H', W'] with H' = (H − kH)/sH + 1.
 */
public final class MaxPool {
    private final int kH, kW, sH, sW;
    /** Per output, the maximum's offset from its window's corner, r·W + c (a float: the SIMD loop stores it so). */
    private float[] offsets = new float[0];

    public MaxPool(int kH, int kW, int sH, int sW) {
        this.kH = kH;
        this.kW = kW;
        this.sH = sH;
        this.sW = sW;
    }

    /** Whether these loops take the arrays: FLOAT, contiguous, an image batch, and under 2^31 bytes. */
    public static boolean applies(INDArray x) {
        return x.rank() == 4 && x.dataType() == DataType.FLOAT && Memory.isContiguous(x) && x.length() < Integer.MAX_VALUE / 4;
    }

    /** {@code y} = the window maxima of {@code x}, and where they were, for {@link #backward}. */
    public void forward(INDArray x, INDArray y) {
        int h = (int) x.size(2), w = (int) x.size(3), oh = (int) y.size(2), ow = (int) y.size(3);
        int planes = (int) (x.size(0) * x.size(1));
        if (offsets.length != y.length()) offsets = new float[(int) y.length()];
        ByteBuffer in = Memory.of(x), out = Memory.of(y);
        for (int p = 0, o = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++, o += ow) {
                int top = p * h * w + i * sH * w;
                int done = kH == 2 && kW == 2 && sH == 2 && sW == 2 && Simd.available() ? VectorPool.twoByTwo(in, out, offsets, top, w, o, ow) : 0;
                row(in, out, top, w, o, done, ow);
            }
        }
    }

    /** Outputs [from, to) of one output row, whose windows start at input row {@code top}. */
    void row(ByteBuffer in, ByteBuffer out, int top, int w, int o, int from, int to) {
        for (int j = from; j < to; j++) {
            int corner = top + j * sW, best = 0;
            float max = in.getFloat(corner * 4);
            for (int r = 0; r < kH; r++) {
                for (int c = 0; c < kW; c++) {
                    float v = in.getFloat((corner + r * w + c) * 4);
                    best = v > max ? r * w + c : best;
                    max = v > max ? v : max;
                }
            }
            out.putFloat((o + j) * 4, max);
            offsets[o + j] = best;
        }
    }

    /** {@code dx} = 0, then each gradient of {@code dy} added where its maximum was (windows overlap when the stride is below the window). */
    public void backward(INDArray dy, INDArray dx) {
        dx.assign(0);
        int h = (int) dx.size(2), w = (int) dx.size(3), oh = (int) dy.size(2), ow = (int) dy.size(3);
        int planes = (int) (dx.size(0) * dx.size(1));
        ByteBuffer g = Memory.of(dy), out = Memory.of(dx);
        for (int p = 0, o = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                int top = p * h * w + i * sH * w;
                for (int j = 0; j < ow; j++, o++) {
                    int at = (top + j * sW + (int) offsets[o]) * 4;
                    out.putFloat(at, out.getFloat(at) + g.getFloat(o * 4));
                }
            }
        }
    }
}
