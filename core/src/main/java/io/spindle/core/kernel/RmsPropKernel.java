package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Keras RMSprop update (no momentum, not centred) of contiguous buffers, in a single pass that reads p, g, s
 * once and writes p, s, leaving the gradient alone:
 * <pre>
 * s = s·ρ + g·g·(1-ρ);  p = p - g·lr / sqrt(s + ε)
 * </pre>
 * The seven libnd4j ops it replaces made seven passes and overwrote the gradient. Values too small to move a
 * parameter are zero ({@link TinyValues}), so the running mean square of a weight that gets no gradient never decays
 * into float's subnormal range (both together: bench/RESULTS.md, fashion-mlp on raw pixels).
 */
public final class RmsPropKernel {
    private final INDArray params, grads, meanSquare;   // kept: they own the memory below
    private final ByteBuffer p, g, s;
    private final int n;
    private final boolean floats;

    /** Binds the three buffers, all of one length and one data type (float or double), for repeated steps. */
    public RmsPropKernel(INDArray params, INDArray grads, INDArray meanSquare) {
        Memory.requireKernelBuffers("RMSprop", params, grads, meanSquare);
        this.params = params;
        this.grads = grads;
        this.meanSquare = meanSquare;
        this.p = Memory.of(params);
        this.g = Memory.of(grads);
        this.s = Memory.of(meanSquare);
        this.n = Math.toIntExact(params.length());
        this.floats = params.dataType() == DataType.FLOAT;
    }

    /** Whether this kernel was bound to exactly these arrays (a caller may pass new views of the same memory). */
    public boolean boundTo(INDArray params, INDArray grads) {
        return params == this.params && grads == this.grads;
    }

    /** One step at learning rate {@code rate}. */
    public void step(double rho, double rate, double epsilon) {
        if (!floats) {
            scalarDouble(rho, rate, epsilon);
        } else if (Simd.available()) {
            VectorLoops.rmsProp(p, g, s, n, (float) rho, (float) rate, (float) epsilon);
        } else {
            scalarFloat(p, g, s, 0, n, (float) rho, (float) rate, (float) epsilon);
        }
    }

    /** Elements [from, to) as plain float arithmetic: the reference the SIMD loop must match bit for bit, and its tail. */
    static void scalarFloat(ByteBuffer p, ByteBuffer g, ByteBuffer s, int from, int to, float rho, float rate, float epsilon) {
        float keep = 1 - rho;
        for (int i = from, at = from * 4; i < to; i++, at += 4) {
            float gi = TinyValues.flushed(g.getFloat(at), TinyValues.GRADIENT);
            float si = TinyValues.flushed(s.getFloat(at) * rho + gi * gi * keep, TinyValues.AVERAGE);
            s.putFloat(at, si);
            p.putFloat(at, p.getFloat(at) - gi * rate / (float) Math.sqrt(si + epsilon));
        }
    }

    private void scalarDouble(double rho, double rate, double epsilon) {
        double keep = 1 - rho;
        for (int i = 0, at = 0; i < n; i++, at += 8) {
            double gi = TinyValues.flushed(g.getDouble(at), TinyValues.GRADIENT);
            double si = TinyValues.flushed(s.getDouble(at) * rho + gi * gi * keep, TinyValues.AVERAGE);
            s.putDouble(at, si);
            p.putDouble(at, p.getDouble(at) - gi * rate / Math.sqrt(si + epsilon));
        }
    }

    // Test access: the plain loop over whole buffers.
    void stepScalar(double rho, double rate, double epsilon) {
        if (floats) scalarFloat(p, g, s, 0, n, (float) rho, (float) rate, (float) epsilon);
        else scalarDouble(rho, rate, epsilon);
    }
}
