package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * tanh and the logistic function, forward and backward (from the forward's output), on contiguous FLOAT arrays
 * ({@link #applies}; others stay on libnd4j): one pass each, SIMD where it can, with {@link Transcendentals}' error bounds.
 * The backward passes take the forward's output y: tanh' = 1 − y², σ' = y·(1 − y).
 */
public final class Activations {
    private Activations() {
    }

    /** Whether these kernels run on all of the arrays: FLOAT, c-contiguous, one length. */
    public static boolean applies(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.length() != arrays[0].length()) return false;
        }
        return Elementwise.applies(arrays);
    }

    public static void tanh(INDArray x, INDArray out) {
        tanh(Memory.of(x), 0, Memory.of(out), 0, (int) x.length(), 1f, 1f, 0f);
    }

    /** σ(x) = ½ + ½·tanh(x/2). */
    public static void sigmoid(INDArray x, INDArray out) {
        tanh(Memory.of(x), 0, Memory.of(out), 0, (int) x.length(), 0.5f, 0.5f, 0.5f);
    }

    /** {@code out[outAt + e] = tanh(in[inAt + e]·a)·b + c} for e in [0, n) (element offsets; in and out may be one buffer). */
    static void tanh(ByteBuffer in, int inAt, ByteBuffer out, int outAt, int n, float a, float b, float c) {
        int done = Simd.available() ? VectorMath.tanh(in, inAt, out, outAt, n, a, b, c) : 0;
        for (int e = done; e < n; e++) out.putFloat((outAt + e) * 4, Transcendentals.tanh(in.getFloat((inAt + e) * 4), a, b, c));
    }

    /** {@code out = g·(1 − y²)}, y = tanh(x). */
    public static void tanhBackward(INDArray y, INDArray g, INDArray out) {
        tanhBackward(Memory.of(y), 0, Memory.of(g), 0, Memory.of(out), 0, (int) y.length());
    }

    /** {@code out[outAt + e] = g[gAt + e]·(1 − y[yAt + e]²)} for e in [0, n), y = tanh(x): one step of a sequence. */
    public static void tanhBackward(ByteBuffer y, int yAt, ByteBuffer g, int gAt, ByteBuffer out, int outAt, int n) {
        int done = Simd.available() ? VectorMath.tanhBackward(y, yAt, g, gAt, out, outAt, n) : 0;
        tanhBackwardFloat(y, yAt, g, gAt, out, outAt, done, n);
    }

    /** {@code out = g·(y·(1 − y))}, y = σ(x). */
    public static void sigmoidBackward(INDArray y, INDArray g, INDArray out) {
        ByteBuffer yb = Memory.of(y), gb = Memory.of(g), o = Memory.of(out);
        if (Simd.available()) VectorMath.sigmoidBackward(yb, gb, o, (int) y.length()); else sigmoidBackwardFloat(yb, gb, o, 0, (int) y.length());
    }

    static void tanhFloat(ByteBuffer in, ByteBuffer out, int from, int to) {
        for (int at = from * 4; at < to * 4; at += 4) out.putFloat(at, Transcendentals.tanh(in.getFloat(at)));
    }

    static void sigmoidFloat(ByteBuffer in, ByteBuffer out, int from, int to) {
        for (int at = from * 4; at < to * 4; at += 4) out.putFloat(at, Transcendentals.sigmoid(in.getFloat(at)));
    }

    static void tanhBackwardFloat(ByteBuffer y, int yAt, ByteBuffer g, int gAt, ByteBuffer out, int outAt, int from, int to) {
        for (int e = from; e < to; e++) {
            float yi = y.getFloat((yAt + e) * 4);
            out.putFloat((outAt + e) * 4, g.getFloat((gAt + e) * 4) * (1f - yi * yi));
        }
    }

    static void sigmoidBackwardFloat(ByteBuffer y, ByteBuffer g, ByteBuffer out, int from, int to) {
        for (int at = from * 4; at < to * 4; at += 4) {
            float yi = y.getFloat(at);
            out.putFloat(at, g.getFloat(at) * (yi * (1f - yi)));
        }
    }
}
