package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link FeatureNormLoops}: eight features at a time ({@link VectorWidth}), the rest in the scalar
 * twin. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorFeatureNorm {
    private static final VectorSpecies<Float> EIGHT = VectorWidth.FLOATS;

    private VectorFeatureNorm() {
    }

    static void shiftedSums(float[] x, float[] shift, float[] sums, float[] squares, int n) {
        int bound = EIGHT.loopBound(n);
        for (int j = 0; j < bound; j += EIGHT.length()) {
            FloatVector d = FloatVector.fromArray(EIGHT, x, j).sub(FloatVector.fromArray(EIGHT, shift, j));
            FloatVector.fromArray(EIGHT, sums, j).add(d).intoArray(sums, j);
            d.fma(d, FloatVector.fromArray(EIGHT, squares, j)).intoArray(squares, j);
        }
        FeatureNormLoops.shiftedSumsFloat(x, shift, sums, squares, bound, n);
    }

    static void gradientSums(float[] dy, float[] x, float[] mean, float[] sums, float[] products, int n) {
        int bound = EIGHT.loopBound(n);
        for (int j = 0; j < bound; j += EIGHT.length()) {
            FloatVector g = FloatVector.fromArray(EIGHT, dy, j);
            FloatVector.fromArray(EIGHT, sums, j).add(g).intoArray(sums, j);
            FloatVector centred = FloatVector.fromArray(EIGHT, x, j).sub(FloatVector.fromArray(EIGHT, mean, j));
            g.fma(centred, FloatVector.fromArray(EIGHT, products, j)).intoArray(products, j);
        }
        FeatureNormLoops.gradientSumsFloat(dy, x, mean, sums, products, bound, n);
    }

    static void normalize(float[] x, float[] mean, float[] scale, float[] shift, int n) {
        int bound = EIGHT.loopBound(n);
        for (int j = 0; j < bound; j += EIGHT.length()) {
            FloatVector.fromArray(EIGHT, x, j).sub(FloatVector.fromArray(EIGHT, mean, j))
                    .fma(FloatVector.fromArray(EIGHT, scale, j), FloatVector.fromArray(EIGHT, shift, j)).intoArray(x, j);
        }
        FeatureNormLoops.normalizeFloat(x, mean, scale, shift, bound, n);
    }

    static void inputGradient(float[] dy, float[] x, float[] mean, float[] scale, float[] slope, float[] offset, int n) {
        int bound = EIGHT.loopBound(n);
        for (int j = 0; j < bound; j += EIGHT.length()) {
            FloatVector centred = FloatVector.fromArray(EIGHT, x, j).sub(FloatVector.fromArray(EIGHT, mean, j))
                    .fma(FloatVector.fromArray(EIGHT, slope, j), FloatVector.fromArray(EIGHT, offset, j));
            FloatVector.fromArray(EIGHT, dy, j).fma(FloatVector.fromArray(EIGHT, scale, j), centred).intoArray(dy, j);
        }
        FeatureNormLoops.inputGradientFloat(dy, x, mean, scale, slope, offset, bound, n);
    }
}
