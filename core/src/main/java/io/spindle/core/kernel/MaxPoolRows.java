package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * 2×2 max pooling at stride 2 (valid padding) of float NCHW planes, forward and backward. The forward keeps each
 * window's winner as a float 0–3 (row-major in the window, the first of equal values winning, as a scan in order
 * would); the backward sends the output gradient to it. Outputs go in blocks of eight: a row of at least eight
 * outputs is covered by blocks from its start plus one that ends at its end (it overlaps the one before and writes
 * the same values again), a shorter row runs the scalar loop. The SIMD loops ({@link VectorMaxPool}) and the scalar
 * twins here compute every value the same way, so they give the same bits.
 */
public final class MaxPoolRows {
    /** Outputs per SIMD block: rows of fewer run the scalar loop. */
    public static final int BLOCK = RowLoops.LANES;
    static final int LANES = BLOCK;

    private MaxPoolRows() {
    }

    /**
     * Pools {@code planes} planes of h × w floats in x into planes of (h / 2) × (w / 2) in y, and writes each output's
     * winner into {@code winners} (one float per output).
     */
    public static void forward(ByteBuffer x, ByteBuffer y, float[] winners, int planes, int h, int w) {
        int outH = h / 2, outW = w / 2;
        for (int plane = 0; plane < planes; plane++) {
            for (int i = 0; i < outH; i++) {
                int in = (plane * h + 2 * i) * w, out = (plane * outH + i) * outW;
                if (outW >= LANES && Simd.available()) {
                    VectorMaxPool.forward(x, in, w, y, winners, out, outW);
                } else {
                    forwardFloat(x, in, w, y, winners, out, outW);
                }
            }
        }
    }

    /** One row of n outputs from the input rows at {@code in} and {@code in + w}. */
    static void forwardFloat(ByteBuffer x, int in, int w, ByteBuffer y, float[] winners, int out, int n) {
        for (int j = 0; j < n; j++) {
            int a = (in + 2 * j) * 4, b = a + w * 4;
            float e0 = x.getFloat(a), o0 = x.getFloat(a + 4), e1 = x.getFloat(b), o1 = x.getFloat(b + 4);
            float m = Math.max(Math.max(e0, o0), Math.max(e1, o1));
            y.putFloat((out + j) * 4, m);
            winners[out + j] = e0 == m ? 0f : o0 == m ? 1f : e1 == m ? 2f : 3f;
        }
    }

    /**
     * dx from dy and the winners of the last forward: each window's winner gets its output's gradient, the other
     * three 0. Inputs in no window (the last row or column of an odd size) get 0.
     */
    public static void backward(ByteBuffer dy, float[] winners, ByteBuffer dx, int planes, int h, int w) {
        int outH = h / 2, outW = w / 2;
        for (int plane = 0; plane < planes; plane++) {
            for (int i = 0; i < outH; i++) {
                int in = (plane * h + 2 * i) * w, out = (plane * outH + i) * outW;
                if (outW >= LANES && Simd.available()) {
                    VectorMaxPool.backward(dy, winners, out, dx, in, w, outW);
                } else {
                    backwardFloat(dy, winners, out, dx, in, w, outW);
                }
                if (w % 2 != 0) {
                    dx.putFloat((in + w - 1) * 4, 0f);
                    dx.putFloat((in + 2 * w - 1) * 4, 0f);
                }
            }
            if (h % 2 != 0) {
                for (int k = 0; k < w; k++) dx.putFloat(((plane * h + h - 1) * w + k) * 4, 0f);
            }
        }
    }

    static void backwardFloat(ByteBuffer dy, float[] winners, int out, ByteBuffer dx, int in, int w, int n) {
        for (int j = 0; j < n; j++) {
            float d = dy.getFloat((out + j) * 4), win = winners[out + j];
            int a = (in + 2 * j) * 4, b = a + w * 4;
            dx.putFloat(a, win == 0f ? d : 0f);
            dx.putFloat(a + 4, win == 1f ? d : 0f);
            dx.putFloat(b, win == 2f ? d : 0f);
            dx.putFloat(b + 4, win == 3f ? d : 0f);
        }
    }
}
