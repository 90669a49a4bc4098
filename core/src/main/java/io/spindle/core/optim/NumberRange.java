package io.spindle.core.optim;

import com.fasterxml.jackson.databind.JsonNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

/**
 * The interval a hyperparameter must lie in. Java factories and JSON reading check through the
 * same object, so both report {@code optimizer.beta1 = 1.0 is not allowed: a number >= 0.0 and < 1.0}.
 */
record NumberRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
    static final NumberRange POSITIVE = new NumberRange(0, true, Double.MAX_VALUE, false);
    static final NumberRange NON_NEGATIVE = new NumberRange(0, false, Double.MAX_VALUE, false);
    /** Decay rates of moving averages: 1 would freeze them forever. */
    static final NumberRange FRACTION = new NumberRange(0, false, 1, true);
    /** Multiplicative learning-rate decay: 0 would stop training, above 1 would grow the rate. */
    static final NumberRange DECAY_FACTOR = new NumberRange(0, true, 1, false);

    double check(String field, double x) {
        boolean below = x < min || (minExclusive && x == min);
        boolean above = x > max || (maxExclusive && x == max);
        if (!Double.isFinite(x) || below || above) throw new ConfigException(field, x, describe());
        return x;
    }

    /** The value of {@code key}, or {@code dflt} when it is absent. */
    double read(ConfigNode c, String key, double dflt) {
        JsonNode v = c.json().get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new ConfigException(c.field(key), v, describe());
        return check(c.field(key), v.asDouble());
    }

    double require(ConfigNode c, String key) {
        if (!c.has(key)) throw new ConfigException(c.field(key), "required field is missing; " + describe());
        return read(c, key, Double.NaN);
    }

    String describe() {
        String lower = (minExclusive ? "a number > " : "a number >= ") + min;
        if (max >= Double.MAX_VALUE) return lower;
        return lower + (maxExclusive ? " and < " : " and <= ") + max;
    }
}
