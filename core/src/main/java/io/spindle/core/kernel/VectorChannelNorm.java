package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link ChannelNormLoops}: eight lanes ({@link VectorWidth}), four accumulators per sum so that
 * the adds do not wait on each other; each loop keeps its vectors to itself (see {@link VectorMath}).
 * Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorChannelNorm {
    private static final VectorSpecies<Float> EIGHT = VectorWidth.FLOATS;
    private static final int LANES = RowLoops.LANES;

    private VectorChannelNorm() {
    }

    static void shiftedSums(float[] x, int from, int to, float shift, float[] sums, int at) {
        FloatVector s0 = FloatVector.zero(EIGHT), s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        int quads = from + (to - from) / (4 * LANES) * (4 * LANES), i = from;
        for (; i < quads; i += 4 * LANES) {
            FloatVector d0 = FloatVector.fromArray(EIGHT, x, i).sub(shift), d1 = FloatVector.fromArray(EIGHT, x, i + LANES).sub(shift);
            FloatVector d2 = FloatVector.fromArray(EIGHT, x, i + 2 * LANES).sub(shift), d3 = FloatVector.fromArray(EIGHT, x, i + 3 * LANES).sub(shift);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            q2 = d2.fma(d2, q2);
            q3 = d3.fma(d3, q3);
        }
        for (; i < to; i += LANES) {
            FloatVector d = FloatVector.fromArray(EIGHT, x, i).sub(shift);
            s0 = s0.add(d);
            q0 = d.fma(d, q0);
        }
        FloatVector.fromArray(EIGHT, sums, at).add(s0.add(s1).add(s2.add(s3))).intoArray(sums, at);
        FloatVector.fromArray(EIGHT, sums, at + LANES).add(q0.add(q1).add(q2.add(q3))).intoArray(sums, at + LANES);
    }

    static void gradientSums(float[] dy, float[] x, int from, int to, float mean, float[] sums, int at) {
        FloatVector s0 = FloatVector.zero(EIGHT), s1 = s0, s2 = s0, s3 = s0, p0 = s0, p1 = s0, p2 = s0, p3 = s0;
        int quads = from + (to - from) / (4 * LANES) * (4 * LANES), i = from;
        for (; i < quads; i += 4 * LANES) {
            FloatVector g0 = FloatVector.fromArray(EIGHT, dy, i), g1 = FloatVector.fromArray(EIGHT, dy, i + LANES);
            FloatVector g2 = FloatVector.fromArray(EIGHT, dy, i + 2 * LANES), g3 = FloatVector.fromArray(EIGHT, dy, i + 3 * LANES);
            s0 = s0.add(g0);
            s1 = s1.add(g1);
            s2 = s2.add(g2);
            s3 = s3.add(g3);
            p0 = g0.fma(FloatVector.fromArray(EIGHT, x, i).sub(mean), p0);
            p1 = g1.fma(FloatVector.fromArray(EIGHT, x, i + LANES).sub(mean), p1);
            p2 = g2.fma(FloatVector.fromArray(EIGHT, x, i + 2 * LANES).sub(mean), p2);
            p3 = g3.fma(FloatVector.fromArray(EIGHT, x, i + 3 * LANES).sub(mean), p3);
        }
        for (; i < to; i += LANES) {
            FloatVector g = FloatVector.fromArray(EIGHT, dy, i);
            s0 = s0.add(g);
            p0 = g.fma(FloatVector.fromArray(EIGHT, x, i).sub(mean), p0);
        }
        FloatVector.fromArray(EIGHT, sums, at).add(s0.add(s1).add(s2.add(s3))).intoArray(sums, at);
        FloatVector.fromArray(EIGHT, sums, at + LANES).add(p0.add(p1).add(p2.add(p3))).intoArray(sums, at + LANES);
    }

    static void normalize(float[] x, int n, float mean, float scale, float shift) {
        int bound = EIGHT.loopBound(n);
        for (int i = 0; i < bound; i += LANES) FloatVector.fromArray(EIGHT, x, i).sub(mean).fma(scale, shift).intoArray(x, i);
        ChannelNormLoops.normalizeFloat(x, bound, n, mean, scale, shift);
    }

    static void inputGradient(float[] dy, float[] x, int n, float mean, float scale, float slope, float offset) {
        int bound = EIGHT.loopBound(n);
        FloatVector factor = FloatVector.broadcast(EIGHT, scale);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector centred = FloatVector.fromArray(EIGHT, x, i).sub(mean).fma(slope, offset);
            FloatVector.fromArray(EIGHT, dy, i).fma(factor, centred).intoArray(dy, i);
        }
        ChannelNormLoops.inputGradientFloat(dy, x, bound, n, mean, scale, slope, offset);
    }
}
