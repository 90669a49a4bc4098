package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise work of a dense layer, its ReLU and an input rescaling, on c-contiguous FLOAT or DOUBLE
 * arrays (check {@link #applies} first; callers fall back to native ops otherwise). FLOAT runs in SIMD when
 * it can; every path does the same operations in the same order per element, so the bits do not depend on it.
 * Each replaces one to three native calls whose set-up cost more than their arithmetic at training shapes.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** Whether the kernels here can run on all of these arrays: one data type, FLOAT or DOUBLE, c-contiguous. */
    public static boolean applies(INDArray... arrays) {
        DataType type = arrays[0].dataType();
        for (INDArray a : arrays) {
            if (a.dataType() != type || type != DataType.FLOAT && type != DataType.DOUBLE) return false;
            if (!Memory.isContiguous(a)) return false;
            if (a.length() * a.data().getElementSize() > Integer.MAX_VALUE) return false;
        }
        return true;
    }

    /** {@code out = x < 0 ? 0 : x}: a NaN stays NaN, as in libnd4j's relu, so a bad input still shows in the loss. */
    public static void relu(INDArray x, INDArray out) {
        int n = length(x, out);
        ByteBuffer in = Memory.of(x), o = Memory.of(out);
        if (x.dataType() == DataType.DOUBLE) {
            for (int at = 0; at < n * 8; at += 8) {
                double v = in.getDouble(at);
                o.putDouble(at, v < 0 ? 0 : v);
            }
        } else if (Simd.available()) {
            VectorLoops.relu(in, o, n);
        } else {
            reluFloat(in, o, 0, n);
        }
    }

    static void reluFloat(ByteBuffer in, ByteBuffer out, int from, int to) {
        for (int at = from * 4; at < to * 4; at += 4) {
            float v = in.getFloat(at);
            out.putFloat(at, v < 0 ? 0f : v);
        }
    }

    /** {@code out = x > 0 ? g : 0}: ReLU's backward pass. */
    public static void reluBackward(INDArray x, INDArray g, INDArray out) {
        int n = length(x, out);
        length(x, g);
        ByteBuffer in = Memory.of(x), grad = Memory.of(g), o = Memory.of(out);
        if (x.dataType() == DataType.DOUBLE) {
            for (int at = 0; at < n * 8; at += 8) {
                o.putDouble(at, in.getDouble(at) > 0 ? grad.getDouble(at) : 0);
            }
        } else if (Simd.available()) {
            VectorLoops.reluBackward(in, grad, o, n);
        } else {
            reluBackwardFloat(in, grad, o, 0, n);
        }
    }

    static void reluBackwardFloat(ByteBuffer in, ByteBuffer grad, ByteBuffer out, int from, int to) {
        for (int at = from * 4; at < to * 4; at += 4) {
            out.putFloat(at, in.getFloat(at) > 0 ? grad.getFloat(at) : 0f);
        }
    }

    /** {@code out = x · scale + offset}, in the arrays' precision. */
    public static void scaleShift(INDArray x, INDArray out, double scale, double offset) {
        int n = length(x, out);
        ByteBuffer in = Memory.of(x), o = Memory.of(out);
        if (x.dataType() == DataType.DOUBLE) {
            for (int at = 0; at < n * 8; at += 8) o.putDouble(at, in.getDouble(at) * scale + offset);
        } else if (Simd.available()) {
            VectorLoops.scaleShift(in, o, n, (float) scale, (float) offset);
        } else {
            scaleShiftFloat(in, o, 0, n, (float) scale, (float) offset);
        }
    }

    static void scaleShiftFloat(ByteBuffer in, ByteBuffer out, int from, int to, float scale, float offset) {
        for (int at = from * 4; at < to * 4; at += 4) out.putFloat(at, in.getFloat(at) * scale + offset);
    }

    /** {@code out = a + b}: a residual connection, forward and backward. */
    public static void add(INDArray a, INDArray b, INDArray out) {
        int n = length(a, out);
        length(a, b);
        ByteBuffer x = Memory.of(a), y = Memory.of(b), o = Memory.of(out);
        if (a.dataType() == DataType.DOUBLE) {
            for (int at = 0; at < n * 8; at += 8) o.putDouble(at, x.getDouble(at) + y.getDouble(at));
        } else if (Simd.available()) {
            VectorLoops.add(x, y, o, n);
        } else {
            addFloat(x, y, o, 0, n);
        }
    }

    static void addFloat(ByteBuffer a, ByteBuffer b, ByteBuffer out, int from, int to) {
        for (int at = from * 4; at < to * 4; at += 4) out.putFloat(at, a.getFloat(at) + b.getFloat(at));
    }

    /**
     * {@code out = (a · mask) · (1 / keep)}, 1 / keep in the arrays' precision: inverted dropout, forward and backward.
     * On a 0/1 mask these are the bits of {@code a · (mask / keep)}, without writing a scaled mask.
     */
    public static void applyDropout(INDArray a, INDArray mask, INDArray out, double keep) {
        int n = length(a, out);
        length(a, mask);
        ByteBuffer x = Memory.of(a), y = Memory.of(mask), o = Memory.of(out);
        if (a.dataType() == DataType.DOUBLE) {
            double scale = 1 / keep;
            for (int at = 0; at < n * 8; at += 8) o.putDouble(at, x.getDouble(at) * y.getDouble(at) * scale);
        } else if (Simd.available()) {
            VectorLoops.multiplyScaled(x, y, o, n, 1f / (float) keep);
        } else {
            multiplyScaledFloat(x, y, o, 0, n, 1f / (float) keep);
        }
    }

    static void multiplyScaledFloat(ByteBuffer a, ByteBuffer b, ByteBuffer out, int from, int to, float scale) {
        for (int at = from * 4; at < to * 4; at += 4) out.putFloat(at, a.getFloat(at) * b.getFloat(at) * scale);
    }

    /** {@code y[r, c] += row[c]} for every row r of y [R, C]: a bias. */
    public static void addRowToEachRow(INDArray row, INDArray y) {
        int cols = (int) row.length(), rows = (int) (y.length() / Math.max(1, cols));
        requireRows(y, rows, cols);
        ByteBuffer b = Memory.of(row), o = Memory.of(y);
        if (y.dataType() == DataType.DOUBLE) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0, at = r * cols * 8; c < cols; c++, at += 8) o.putDouble(at, o.getDouble(at) + b.getDouble(c * 8));
            }
        } else if (Simd.available()) {
            VectorLoops.addRowToEachRow(b, o, rows, cols);
        } else {
            for (int r = 0; r < rows; r++) addRowFloat(b, o, r * cols, 0, cols);
        }
    }

    /** {@code out[base + c] += row[c]} for c in [from, to). */
    static void addRowFloat(ByteBuffer row, ByteBuffer out, int base, int from, int to) {
        for (int c = from; c < to; c++) {
            int at = (base + c) * 4;
            out.putFloat(at, out.getFloat(at) + row.getFloat(c * 4));
        }
    }

    /** {@code sums[c] += Σ_r x[r, c]}, the rows summed in order first: a bias gradient. */
    public static void addColumnSums(INDArray x, INDArray sums) {
        int cols = (int) sums.length(), rows = (int) (x.length() / Math.max(1, cols));
        requireRows(x, rows, cols);
        ByteBuffer in = Memory.of(x), s = Memory.of(sums);
        if (x.dataType() == DataType.DOUBLE) {
            for (int c = 0; c < cols; c++) {
                double acc = 0;
                for (int r = 0; r < rows; r++) acc += in.getDouble((r * cols + c) * 8);
                s.putDouble(c * 8, s.getDouble(c * 8) + acc);
            }
        } else if (Simd.available()) {
            VectorLoops.addColumnSums(in, s, rows, cols);
        } else {
            columnSumsFloat(in, s, rows, cols, 0, cols);
        }
    }

    static void columnSumsFloat(ByteBuffer in, ByteBuffer sums, int rows, int cols, int from, int to) {
        for (int c = from; c < to; c++) {
            float acc = 0;
            for (int r = 0; r < rows; r++) acc += in.getFloat((r * cols + c) * 4);
            sums.putFloat(c * 4, sums.getFloat(c * 4) + acc);
        }
    }

    private static int length(INDArray a, INDArray b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException("element-wise arrays differ in length: " + a.length() + " and " + b.length());
        }
        return (int) a.length();
    }

    private static void requireRows(INDArray matrix, int rows, int cols) {
        if ((long) rows * cols != matrix.length()) {
            throw new IllegalArgumentException("an array of " + matrix.length() + " values is not rows of " + cols);
        }
    }
}
