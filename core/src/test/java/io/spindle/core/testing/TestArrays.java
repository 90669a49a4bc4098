package io.spindle.core.testing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Small seeded arrays for tests, drawn with java.util.Random so they do not depend on ND4J's RNG. */
public final class TestArrays {
    private TestArrays() {
    }

    public static INDArray gaussian(long seed, DataType type, long... shape) {
        Random r = new Random(seed);
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
    }

    public static INDArray uniform(long seed, DataType type, double lo, double hi, long... shape) {
        Random r = new Random(seed);
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
    }

    /** Integer class labels in [0, classes) as a [n, 1] array. */
    public static INDArray classes(long seed, DataType type, int n, int classes) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(classes);
        return Nd4j.create(v, new long[] {n, 1}, DataType.DOUBLE).castTo(type);
    }
}
