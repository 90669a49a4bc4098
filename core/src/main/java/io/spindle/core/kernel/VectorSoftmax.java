package io.spindle.core.kernel;

import static io.spindle.core.kernel.Transcendentals.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link SoftmaxRows}: eight lanes (the scalar twin's order of sums, and whole rows since the
 * stride is a multiple of eight), exp written out as in {@link VectorMath} because no vector may cross a method
 * boundary (see there). Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorSoftmax {
    private static final VectorSpecies<Float> EIGHT = VectorWidth.FLOATS;
    private static final float[] LANE_INDEX = {0, 1, 2, 3, 4, 5, 6, 7};

    private VectorSoftmax() {
    }

    static void forward(float[] s, int from, int n, int stride, boolean causal) {
        for (int r = 0; r < n; r++) {
            int at = from + r * stride, valid = causal ? r + 1 : n;
            float sum = exponentials(s, at, stride, valid, maximum(s, at, stride, valid));
            scale(s, at, stride, 1f / sum);
        }
    }

    /** The largest of the row's first {@code valid} values (the row starts at {@code at}). */
    private static float maximum(float[] s, int at, int stride, int valid) {
        FloatVector index = FloatVector.fromArray(EIGHT, LANE_INDEX, 0), negativeInfinity = FloatVector.broadcast(EIGHT, Float.NEGATIVE_INFINITY);
        FloatVector maxima = negativeInfinity;
        for (int j = 0; j < stride; j += 8) {
            VectorMask<Float> live = index.add(j).compare(VectorOperators.LT, valid);
            maxima = maxima.max(negativeInfinity.blend(FloatVector.fromArray(EIGHT, s, at + j), live));
        }
        return maxima.reduceLanes(VectorOperators.MAX);
    }

    /** e = exp(s − max) over the first {@code valid} values, 0 after them, written back; returns Σ e in the eight lanes' order. */
    private static float exponentials(float[] s, int at, int stride, int valid, float max) {
        FloatVector index = FloatVector.fromArray(EIGHT, LANE_INDEX, 0), zero = FloatVector.zero(EIGHT), sums = zero;
        for (int j = 0; j < stride; j += 8) {
            VectorMask<Float> live = index.add(j).compare(VectorOperators.LT, valid);
            // exp(s − max) as Transcendentals.exp: reduction by ln 2, polynomial, 2^k from the rounded value's low bits
            // (an integer multiply by 2^23 rather than a shift: C2 in Java 17 did not intrinsify the shift here, and boxed).
            FloatVector clamped = FloatVector.fromArray(EIGHT, s, at + j).sub(max).max(-CLAMP).min(CLAMP);
            FloatVector shifted = clamped.mul(LOG2E).add(ROUNDER), k = shifted.sub(ROUNDER);
            FloatVector r = clamped.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
            FloatVector p = r.mul(E1).add(E2).mul(r).add(E3).mul(r).add(E4).mul(r).add(E5).mul(r).add(E6);
            FloatVector scale = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS).mul(1 << 23).reinterpretAsFloats();
            FloatVector e = zero.blend(p.mul(r.mul(r)).add(r).add(1f).mul(scale), live);
            sums = sums.add(e);
            e.intoArray(s, at + j);
        }
        float sum = sums.lane(0);
        for (int l = 1; l < 8; l++) sum += sums.lane(l);
        return sum;
    }

    /** p = e·inverse, flushed to 0 below {@link TinyValues#LOSS_GRADIENT}. */
    private static void scale(float[] s, int at, int stride, float inverse) {
        FloatVector zero = FloatVector.zero(EIGHT);
        for (int j = 0; j < stride; j += 8) {
            FloatVector p = FloatVector.fromArray(EIGHT, s, at + j).mul(inverse);
            p.blend(zero, p.compare(VectorOperators.LT, TinyValues.LOSS_GRADIENT)).intoArray(s, at + j);
        }
    }

    static void backward(float[] p, int pFrom, float[] dp, int dpFrom, int n, int stride) {
        FloatVector zero = FloatVector.zero(EIGHT);
        for (int r = 0; r < n; r++) {
            int pAt = pFrom + r * stride, dAt = dpFrom + r * stride;
            FloatVector products = zero;
            for (int j = 0; j < stride; j += 8) {
                products = products.add(FloatVector.fromArray(EIGHT, dp, dAt + j).mul(FloatVector.fromArray(EIGHT, p, pAt + j)));
            }
            float dot = products.lane(0);
            for (int l = 1; l < 8; l++) dot += products.lane(l);
            for (int j = 0; j < stride; j += 8) {
                FloatVector ds = FloatVector.fromArray(EIGHT, p, pAt + j).mul(FloatVector.fromArray(EIGHT, dp, dAt + j).sub(dot));
                ds.blend(zero, ds.abs().compare(VectorOperators.LT, TinyValues.LOSS_GRADIENT)).intoArray(dp, dAt + j);
            }
        }
    }
}
