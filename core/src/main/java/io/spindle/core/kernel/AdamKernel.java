package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Adam update of contiguous buffers, in a single pass that reads p, g, m, v once and writes p, m, v:
 * <pre>
 * m = m·β1 + g·(1-β1);  v = v·β2 + g·g·(1-β2);  p = p - m·α / (sqrt(v) + ε)
 * </pre>
 * with α the bias-corrected rate (see {@code Optimizer}). libnd4j's adam_updater needs a second op to apply
 * its step and runs sqrt as a scalar loop; this one pass in SIMD is several times faster (bench/RESULTS.md).
 *
 * <p>Values too small to move a parameter are zero ({@link TinyValues}): a gradient below 1e-16 in magnitude and a
 * moment below 1e-30. Subnormal moments made the step several times slower on fashion-mlp; the
 * flushed values change an update by less than α·1e-8 with the default ε of 1e-7.
 */
public final class AdamKernel {
    private final INDArray params, grads, firstMoment, secondMoment;   // kept: they own the memory below
    private final ByteBuffer p, g, m, v;
    private final int n;
    private final boolean floats;

    /** Binds the four buffers, all of one length and one data type (float or double), for repeated steps. */
    public AdamKernel(INDArray params, INDArray grads, INDArray firstMoment, INDArray secondMoment) {
        this(params, java.util.Objects.requireNonNull(grads, "grads"), firstMoment, secondMoment, true);
    }

    /** A kernel for {@link #stepOnMean} only: it is given its gradients at every step. */
    public static AdamKernel onMeans(INDArray params, INDArray firstMoment, INDArray secondMoment) {
        return new AdamKernel(params, null, firstMoment, secondMoment, false);
    }

    private AdamKernel(INDArray params, INDArray grads, INDArray firstMoment, INDArray secondMoment, boolean bindsGradient) {
        if (bindsGradient) Memory.requireKernelBuffers("Adam", params, grads, firstMoment, secondMoment);
        else Memory.requireKernelBuffers("Adam", params, firstMoment, secondMoment);
        this.params = params;
        this.grads = grads;
        this.firstMoment = firstMoment;
        this.secondMoment = secondMoment;
        this.p = Memory.of(params);
        this.g = bindsGradient ? Memory.of(grads) : null;
        this.m = Memory.of(firstMoment);
        this.v = Memory.of(secondMoment);
        this.n = Math.toIntExact(params.length());
        this.floats = params.dataType() == DataType.FLOAT;
    }

    /** Whether this kernel was bound to exactly these arrays (a caller may pass new views of the same memory). */
    public boolean boundTo(INDArray params, INDArray grads) {
        return params == this.params && grads == this.grads;
    }

    /** Whether this is an {@link #onMeans} kernel bound to exactly this parameter array. */
    public boolean boundForMeansTo(INDArray params) {
        return params == this.params && g == null;
    }

    /** One step with bias-corrected rate {@code alpha}. */
    public void step(double beta1, double beta2, double alpha, double epsilon) {
        if (g == null) throw new IllegalStateException("this kernel was bound for steps on a mean of gradients");
        if (!floats) {
            scalarDouble(beta1, beta2, alpha, epsilon);
        } else if (Simd.available()) {
            VectorLoops.adam(p, g, m, v, n, (float) beta1, (float) beta2, (float) alpha, (float) epsilon);
        } else {
            scalarFloat(p, g, m, v, 0, n, (float) beta1, (float) beta2, (float) alpha, (float) epsilon);
        }
    }

    /**
     * One step whose gradient is the element-wise mean of {@code gradients}, in place of the bound gradient buffer
     * (which is neither read nor written): each float32 buffer in native order holds this kernel's {@code n} values.
     * Summed in the order given and divided by their count, each element has the bits {@link FloatLoops#mean} would
     * write, so the step has the bits of that mean followed by {@link #step}, without writing the mean to memory and
     * reading it back (a sharded step's reduce-scatter, fused into the update: see {@code Optimizer#stepOnMean}).
     */
    public void stepOnMean(ByteBuffer[] gradients, double beta1, double beta2, double alpha, double epsilon) {
        if (!floats) {
            throw new IllegalStateException("Adam on a mean of gradients takes float32 buffers, not " + params.dataType());
        }
        requireGradients(gradients);
        if (Simd.available()) {
            VectorLoops.adamOnMean(p, gradients, m, v, n, (float) beta1, (float) beta2, (float) alpha, (float) epsilon);
        } else {
            scalarFloatOnMean(p, gradients, m, v, 0, n, (float) beta1, (float) beta2, (float) alpha, (float) epsilon);
        }
    }

    private void requireGradients(ByteBuffer[] gradients) {
        if (gradients.length == 0) throw new IllegalArgumentException("a mean needs at least one gradient buffer");
        for (int r = 0; r < gradients.length; r++) {
            if (gradients[r].capacity() != n * 4L || gradients[r].order() != java.nio.ByteOrder.nativeOrder()) {
                throw new IllegalArgumentException("gradient buffer " + r + " must hold " + n + " float32 values in native order, not "
                        + gradients[r].capacity() + " bytes in " + gradients[r].order());
            }
        }
    }

    /** Elements [from, to) as plain float arithmetic: the reference the SIMD loop must match bit for bit, and its tail. */
    static void scalarFloat(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to,
                            float beta1, float beta2, float alpha, float epsilon) {
        for (int i = from, at = from * 4; i < to; i++, at += 4) {
            update(g.getFloat(at), p, m, v, at, beta1, beta2, alpha, epsilon);
        }
    }

    /** {@link #scalarFloat} on the mean of {@code gradients}, summed and divided as {@link FloatLoops#mean} does. */
    static void scalarFloatOnMean(ByteBuffer p, ByteBuffer[] gradients, ByteBuffer m, ByteBuffer v, int from, int to,
                                  float beta1, float beta2, float alpha, float epsilon) {
        for (int i = from, at = from * 4; i < to; i++, at += 4) {
            update(FloatLoops.meanAt(gradients, at), p, m, v, at, beta1, beta2, alpha, epsilon);
        }
    }

    /** One element at byte offset {@code at} with gradient {@code g}. */
    private static void update(float g, ByteBuffer p, ByteBuffer m, ByteBuffer v, int at,
                               float beta1, float beta2, float alpha, float epsilon) {
        float gi = TinyValues.flushed(g, TinyValues.GRADIENT);
        float mi = TinyValues.flushed(m.getFloat(at) * beta1 + gi * (1 - beta1), TinyValues.AVERAGE);
        float vi = TinyValues.flushed(v.getFloat(at) * beta2 + gi * gi * (1 - beta2), TinyValues.AVERAGE);
        m.putFloat(at, mi);
        v.putFloat(at, vi);
        p.putFloat(at, p.getFloat(at) - mi * alpha / ((float) Math.sqrt(vi) + epsilon));
    }

    private void scalarDouble(double beta1, double beta2, double alpha, double epsilon) {
        double keep1 = 1 - beta1, keep2 = 1 - beta2;
        for (int i = 0, at = 0; i < n; i++, at += 8) {
            // The same flushing as in float, so the two precisions agree on which values count.
            double gi = TinyValues.flushed(g.getDouble(at), TinyValues.GRADIENT);
            double mi = TinyValues.flushed(m.getDouble(at) * beta1 + gi * keep1, TinyValues.AVERAGE);
            double vi = TinyValues.flushed(v.getDouble(at) * beta2 + gi * gi * keep2, TinyValues.AVERAGE);
            m.putDouble(at, mi);
            v.putDouble(at, vi);
            p.putDouble(at, p.getDouble(at) - mi * alpha / (Math.sqrt(vi) + epsilon));
        }
    }

    // Test access: the plain loop over whole buffers.
    void stepScalar(double beta1, double beta2, double alpha, double epsilon) {
        if (floats) scalarFloat(p, g, m, v, 0, n, (float) beta1, (float) beta2, (float) alpha, (float) epsilon);
        else scalarDouble(beta1, beta2, alpha, epsilon);
    }

    // Test access: the plain loop of stepOnMean.
    void stepOnMeanScalar(ByteBuffer[] gradients, double beta1, double beta2, double alpha, double epsilon) {
        requireGradients(gradients);
        scalarFloatOnMean(p, gradients, m, v, 0, n, (float) beta1, (float) beta2, (float) alpha, (float) epsilon);
    }
}
