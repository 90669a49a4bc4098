package io.spindle.core.nn;

import io.spindle.core.config.ConfigException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/** Weight initialisers (Glorot/Xavier and He, uniform and normal, zeros, ones), seeded by the caller's RNG. */
public enum Initializer {
    GLOROT_UNIFORM("glorot_uniform"),
    GLOROT_NORMAL("glorot_normal"),
    HE_UNIFORM("he_uniform"),
    HE_NORMAL("he_normal"),
    ZEROS("zeros"),
    ONES("ones");

    private final String jsonName;

    Initializer(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Initializer::jsonName).toList();
    }

    /** Parses a JSON name; "xavier_*" are accepted as the aliases most tutorials use. */
    public static Initializer parse(String field, String name) {
        String n = name.trim().toLowerCase().replace('-', '_').replace("xavier", "glorot");
        for (Initializer i : values()) {
            if (i.jsonName.equals(n)) return i;
        }
        throw new ConfigException(field, name, "one of " + names());
    }

    /** Fills {@code target} in place; fan-in/fan-out follow Keras (inputs and outputs per unit). */
    public void fill(INDArray target, long fanIn, long fanOut, Random rng) {
        switch (this) {
            case ZEROS -> target.assign(0);
            case ONES -> target.assign(1);
            case GLOROT_UNIFORM -> uniform(target, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
            case GLOROT_NORMAL -> normal(target, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
            case HE_UNIFORM -> uniform(target, Math.sqrt(6.0 / fanIn), rng);
            case HE_NORMAL -> normal(target, Math.sqrt(2.0 / fanIn), rng);
        }
    }

    private static void uniform(INDArray target, double limit, Random rng) {
        INDArray tmp = Nd4j.createUninitialized(target.dataType(), target.shape());
        Nd4j.getExecutioner().exec(new UniformDistribution(tmp, -limit, limit), rng);
        target.assign(tmp);
    }

    private static void normal(INDArray target, double std, Random rng) {
        INDArray tmp = Nd4j.createUninitialized(target.dataType(), target.shape());
        Nd4j.getExecutioner().exec(new GaussianDistribution(tmp, 0.0, std), rng);
        target.assign(tmp);
    }
}
