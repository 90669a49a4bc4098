package io.spindle.core.optim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The learning rate as a function of the step: constant, step decay, exponential or cosine decay,
 * optionally after a linear warm-up. Immutable; it carries the base rate ({@code learning_rate}).
 *
 * <p>With {@code warmup_steps = W > 0}, step {@code s < W} uses {@code lr·(s+1)/W}; from step W on the
 * base schedule runs as if step W were its step 0, so a cosine decay reaches {@code min_lr} at W + total_steps.
 */
public final class LearningRateSchedule {

    /** The base schedule's shape; {@code jsonName} is the {@code "type"} in JSON. */
    public enum Type {
        CONSTANT("constant"), STEP("step"), EXPONENTIAL("exponential"), COSINE("cosine");

        private final String jsonName;

        Type(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    public static final List<String> TYPES = Arrays.stream(Type.values()).map(Type::jsonName).toList();

    /** Where a Java-built schedule sits in a job file, for error messages. */
    private static final String DEFAULT_PATH = "optimizer.schedule";
    private static final String DEFAULT_RATE_FIELD = "optimizer.learning_rate";
    private static final int MAX_STEPS = Integer.MAX_VALUE;

    private final Type type;
    private final double learningRate;
    private final double factor;
    private final long every;
    private final double decayRate;
    private final long decaySteps;
    private final long totalSteps;
    private final double minLr;
    private final long warmupSteps;

    /** Mutable scratch for building; fields a type does not use stay at their neutral values. */
    private static final class Values {
        Type type = Type.CONSTANT;
        double learningRate, factor, decayRate, minLr;
        long every, decaySteps, totalSteps, warmupSteps;
    }

    private LearningRateSchedule(Values v, String path, String rateField) {
        this.type = Objects.requireNonNull(v.type, "type");
        this.learningRate = NumberRange.POSITIVE.check(rateField, v.learningRate);
        this.warmupSteps = steps(path + ".warmup_steps", v.warmupSteps, 0);
        // Fields the type does not use are reset, so equal schedules compare equal and print the same.
        boolean step = type == Type.STEP, exp = type == Type.EXPONENTIAL, cos = type == Type.COSINE;
        this.factor = step ? NumberRange.DECAY_FACTOR.check(path + ".factor", v.factor) : 0;
        this.every = step ? steps(path + ".every", v.every, 1) : 0;
        this.decayRate = exp ? NumberRange.DECAY_FACTOR.check(path + ".decay_rate", v.decayRate) : 0;
        this.decaySteps = exp ? steps(path + ".decay_steps", v.decaySteps, 1) : 0;
        this.totalSteps = cos ? steps(path + ".total_steps", v.totalSteps, 1) : 0;
        this.minLr = cos ? checkMinLr(path + ".min_lr", v.minLr, learningRate, rateField) : 0;
    }

    private static LearningRateSchedule of(Type type, double lr, Consumer<Values> fill) {
        Values v = new Values();
        v.type = type;
        v.learningRate = lr;
        fill.accept(v);
        return new LearningRateSchedule(v, DEFAULT_PATH, DEFAULT_RATE_FIELD);
    }

    public static LearningRateSchedule constant(double learningRate) {
        return of(Type.CONSTANT, learningRate, v -> { });
    }

    /** {@code lr · factor^floor(step / every)}. */
    public static LearningRateSchedule stepDecay(double learningRate, double factor, long every) {
        return of(Type.STEP, learningRate, v -> {
            v.factor = factor;
            v.every = every;
        });
    }

    /** {@code lr · decayRate^(step / decaySteps)}, smooth (not staircase). */
    public static LearningRateSchedule exponential(double learningRate, double decayRate, long decaySteps) {
        return of(Type.EXPONENTIAL, learningRate, v -> {
            v.decayRate = decayRate;
            v.decaySteps = decaySteps;
        });
    }

    /** Half a cosine from {@code lr} down to {@code minLr} over {@code totalSteps}, then {@code minLr}. */
    public static LearningRateSchedule cosine(double learningRate, long totalSteps, double minLr) {
        return of(Type.COSINE, learningRate, v -> {
            v.totalSteps = totalSteps;
            v.minLr = minLr;
        });
    }

    /** The same schedule preceded by a linear warm-up of {@code steps} steps (0 = none). */
    public LearningRateSchedule withWarmup(long steps) {
        Values v = values();
        v.warmupSteps = steps;
        return new LearningRateSchedule(v, DEFAULT_PATH, DEFAULT_RATE_FIELD);
    }

    /** The same shape around another base rate (a cosine's {@code min_lr} must stay at or below it). */
    public LearningRateSchedule withLearningRate(double learningRate) {
        Values v = values();
        v.learningRate = learningRate;
        return new LearningRateSchedule(v, DEFAULT_PATH, DEFAULT_RATE_FIELD);
    }

    /** The rate to use for step {@code step} (0-based: the first update is step 0). */
    public double rate(long step) {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0 but was " + step);
        if (step < warmupSteps) return learningRate * (step + 1) / warmupSteps;
        long s = step - warmupSteps;
        return switch (type) {
            case CONSTANT -> learningRate;
            case STEP -> learningRate * Math.pow(factor, s / every);
            case EXPONENTIAL -> learningRate * Math.pow(decayRate, (double) s / decaySteps);
            case COSINE -> {
                double progress = Math.min(s, totalSteps) / (double) totalSteps;
                yield minLr + (learningRate - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
        };
    }

    /**
     * Reads the {@code "schedule"} object of an optimizer; {@code learningRate} is the optimizer's
     * already validated {@code learning_rate}. A missing {@code type} means constant.
     */
    public static LearningRateSchedule fromJson(ConfigNode c, double learningRate) {
        c.rejectUnknown("type", "warmup_steps", "factor", "every", "decay_rate", "decay_steps", "total_steps", "min_lr");
        Values v = new Values();
        v.type = Type.values()[TYPES.indexOf(c.choice("type", "constant", TYPES))];
        v.learningRate = learningRate;
        v.warmupSteps = c.integer("warmup_steps", 0, 0, MAX_STEPS);
        // Fields of other types are accepted (still range-checked) and ignored.
        boolean step = v.type == Type.STEP, exp = v.type == Type.EXPONENTIAL, cos = v.type == Type.COSINE;
        v.factor = step ? NumberRange.DECAY_FACTOR.require(c, "factor") : NumberRange.DECAY_FACTOR.read(c, "factor", 1);
        v.every = step ? c.requireInt("every", 1, MAX_STEPS) : c.integer("every", 1, 1, MAX_STEPS);
        v.decayRate = exp ? NumberRange.DECAY_FACTOR.require(c, "decay_rate") : NumberRange.DECAY_FACTOR.read(c, "decay_rate", 1);
        v.decaySteps = exp ? c.requireInt("decay_steps", 1, MAX_STEPS) : c.integer("decay_steps", 1, 1, MAX_STEPS);
        v.totalSteps = cos ? c.requireInt("total_steps", 1, MAX_STEPS) : c.integer("total_steps", 1, 1, MAX_STEPS);
        v.minLr = NumberRange.NON_NEGATIVE.read(c, "min_lr", 0);
        return new LearningRateSchedule(v, c.path(), sibling(c.path(), "learning_rate"));
    }

    /** The schedule object without the base rate, which the optimizer writes as its {@code learning_rate}. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type.jsonName());
        switch (type) {
            case CONSTANT -> { }
            case STEP -> n.put("factor", factor).put("every", every);
            case EXPONENTIAL -> n.put("decay_rate", decayRate).put("decay_steps", decaySteps);
            case COSINE -> n.put("total_steps", totalSteps).put("min_lr", minLr);
        }
        return n.put("warmup_steps", warmupSteps);
    }

    public Type type() {
        return type;
    }

    /** The base (peak) rate: the rate after warm-up, before any decay. */
    public double learningRate() {
        return learningRate;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    private Values values() {
        Values v = new Values();
        v.type = type;
        v.learningRate = learningRate;
        v.factor = factor;
        v.every = every;
        v.decayRate = decayRate;
        v.decaySteps = decaySteps;
        v.totalSteps = totalSteps;
        v.minLr = minLr;
        v.warmupSteps = warmupSteps;
        return v;
    }

    private static double checkMinLr(String field, double minLr, double learningRate, String rateField) {
        // A floor above the peak would make the "decay" raise the rate.
        if (!Double.isFinite(minLr) || minLr < 0 || minLr > learningRate) {
            throw new ConfigException(field, minLr, "a number >= 0.0 and <= " + rateField + " (" + learningRate + ")");
        }
        return minLr;
    }

    private static long steps(String field, long value, long min) {
        if (value < min || value > MAX_STEPS) {
            throw new ConfigException(field, value, "an integer in [" + min + ", " + MAX_STEPS + "]");
        }
        return value;
    }

    private static String sibling(String path, String key) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? key : path.substring(0, dot + 1) + key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearningRateSchedule s && type == s.type
                && Double.compare(learningRate, s.learningRate) == 0 && Double.compare(factor, s.factor) == 0
                && every == s.every && Double.compare(decayRate, s.decayRate) == 0 && decaySteps == s.decaySteps
                && totalSteps == s.totalSteps && Double.compare(minLr, s.minLr) == 0 && warmupSteps == s.warmupSteps;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, learningRate, factor, every, decayRate, decaySteps, totalSteps, minLr, warmupSteps);
    }

    /** The JSON object with the base rate added, e.g. {@code {"type":"cosine",...,"learning_rate":0.001}}. */
    @Override
    public String toString() {
        return toJson().put("learning_rate", learningRate).toString();
    }
}
