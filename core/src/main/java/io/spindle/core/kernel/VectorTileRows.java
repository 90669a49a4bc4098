package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twin of {@link TileTransform}'s row pass: lane by lane the scalar loop's multiplies then adds in its order
 * (no fused multiply-add), the tail handed to it. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorTileRows {
    private static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;

    private VectorTileRows() {
    }

    /**
     * y[yAt + k] = Σ_t c[t]·x[at[t] + k] for k < n, the terms added in order. Four vectors at a time: each sum is a chain
     * of dependent adds, and four independent chains keep the adder busy.
     */
    static void combine(float[] c, int[] at, int terms, float[] x, float[] y, int yAt, int n) {
        int lanes = FLOATS.length(), k = 0;
        for (int bound = n - 4 * lanes; k <= bound; k += 4 * lanes) {
            float c0 = c[0];
            int a0 = at[0] + k;
            FloatVector s0 = FloatVector.fromArray(FLOATS, x, a0).mul(c0), s1 = FloatVector.fromArray(FLOATS, x, a0 + lanes).mul(c0);
            FloatVector s2 = FloatVector.fromArray(FLOATS, x, a0 + 2 * lanes).mul(c0), s3 = FloatVector.fromArray(FLOATS, x, a0 + 3 * lanes).mul(c0);
            for (int t = 1; t < terms; t++) {
                float ct = c[t];
                int a = at[t] + k;
                s0 = s0.add(FloatVector.fromArray(FLOATS, x, a).mul(ct));
                s1 = s1.add(FloatVector.fromArray(FLOATS, x, a + lanes).mul(ct));
                s2 = s2.add(FloatVector.fromArray(FLOATS, x, a + 2 * lanes).mul(ct));
                s3 = s3.add(FloatVector.fromArray(FLOATS, x, a + 3 * lanes).mul(ct));
            }
            s0.intoArray(y, yAt + k);
            s1.intoArray(y, yAt + k + lanes);
            s2.intoArray(y, yAt + k + 2 * lanes);
            s3.intoArray(y, yAt + k + 3 * lanes);
        }
        for (int bound = FLOATS.loopBound(n); k < bound; k += lanes) {
            FloatVector sum = FloatVector.fromArray(FLOATS, x, at[0] + k).mul(c[0]);
            for (int t = 1; t < terms; t++) sum = sum.add(FloatVector.fromArray(FLOATS, x, at[t] + k).mul(c[t]));
            sum.intoArray(y, yAt + k);
        }
        TileTransform.combineFloat(c, at, terms, x, y, yAt, k, n);
    }
}
