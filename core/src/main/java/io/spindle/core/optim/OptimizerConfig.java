package io.spindle.core.optim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An optimizer's hyperparameters, immutable and validated; {@link #create} builds the optimizer for
 * one flat parameter buffer. Defaults follow Keras. Fields the chosen type does not use (say
 * {@code beta1} for sgd) are accepted, range-checked and ignored; {@link #toJson} leaves them out.
 *
 * <p>Every type applies, in this order: L2 ({@code g += l2·p}) and L1 ({@code g += l1·sign(p)}) on
 * regularized blocks; clipping by global norm ({@code clip_norm}, 0 = off); decoupled weight decay
 * {@code p -= lr·weight_decay·p} on regularized blocks (as Keras 3 does for every optimizer; adamw just
 * defaults it to 0.004); then the type's update rule with the scheduled rate {@code lr}.
 * Note: Keras' {@code L2(l)} regularizer adds {@code l·Σp²} to the loss, i.e. {@code g += 2·l·p};
 * here {@code l2} is the gradient coefficient (as DL4J's l2 and PyTorch SGD's weight_decay).
 */
public final class OptimizerConfig {

    /** The update rule; {@code jsonName} is the {@code "type"} in JSON. */
    public enum Type {
        SGD("sgd", 0.01), MOMENTUM("momentum", 0.01), NESTEROV("nesterov", 0.01),
        RMSPROP("rmsprop", 0.001), ADAM("adam", 0.001), ADAMW("adamw", 0.001);

        private final String jsonName;
        private final double defaultLearningRate;

        Type(String jsonName, double defaultLearningRate) {
            this.jsonName = jsonName;
            this.defaultLearningRate = defaultLearningRate;
        }

        public String jsonName() {
            return jsonName;
        }

        public double defaultLearningRate() {
            return defaultLearningRate;
        }

        /** Per-parameter quantities the update rule keeps (see {@link Optimizer}). */
        public int stateRows() {
            return switch (this) {
                case SGD -> 0;
                case MOMENTUM, NESTEROV, RMSPROP -> 1;
                case ADAM, ADAMW -> 2;
            };
        }

        boolean usesMomentum() {
            return this == MOMENTUM || this == NESTEROV;
        }

        boolean usesBetas() {
            return this == ADAM || this == ADAMW;
        }

        boolean usesEpsilon() {
            return this == RMSPROP || usesBetas();
        }
    }

    public static final List<String> TYPES = Arrays.stream(Type.values()).map(Type::jsonName).toList();

    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-7;
    public static final double DEFAULT_ADAMW_WEIGHT_DECAY = 0.004;

    /** Where a Java-built config sits in a job file, for error messages. */
    private static final String DEFAULT_PATH = "optimizer";

    private final Type type;
    private final LearningRateSchedule schedule;
    private final double momentum, rho, beta1, beta2, epsilon;
    private final double l1, l2, clipNorm, weightDecay;

    /** Mutable scratch for building and for the withers; never escapes this class. */
    private static final class Values {
        Type type;
        LearningRateSchedule schedule;
        double momentum = DEFAULT_MOMENTUM, rho = DEFAULT_RHO, beta1 = DEFAULT_BETA1, beta2 = DEFAULT_BETA2;
        double epsilon = DEFAULT_EPSILON, l1, l2, clipNorm, weightDecay;

        Values(Type type, double learningRate) {
            this.type = type;
            this.schedule = LearningRateSchedule.constant(learningRate);
            this.weightDecay = type == Type.ADAMW ? DEFAULT_ADAMW_WEIGHT_DECAY : 0;
        }
    }

    private OptimizerConfig(Values v, String path) {
        this.type = Objects.requireNonNull(v.type, "type");
        this.schedule = Objects.requireNonNull(v.schedule, "schedule");
        String p = path.isEmpty() ? "" : path + ".";
        double m = NumberRange.FRACTION.check(p + "momentum", v.momentum);
        double r = NumberRange.FRACTION.check(p + "rho", v.rho);
        double b1 = NumberRange.FRACTION.check(p + "beta1", v.beta1);
        double b2 = NumberRange.FRACTION.check(p + "beta2", v.beta2);
        double eps = NumberRange.POSITIVE.check(p + "epsilon", v.epsilon);
        // Unused fields go back to their defaults so that equal optimizers compare and print equal.
        this.momentum = type.usesMomentum() ? m : DEFAULT_MOMENTUM;
        this.rho = type == Type.RMSPROP ? r : DEFAULT_RHO;
        this.beta1 = type.usesBetas() ? b1 : DEFAULT_BETA1;
        this.beta2 = type.usesBetas() ? b2 : DEFAULT_BETA2;
        this.epsilon = type.usesEpsilon() ? eps : DEFAULT_EPSILON;
        this.l1 = NumberRange.NON_NEGATIVE.check(p + "l1", v.l1);
        this.l2 = NumberRange.NON_NEGATIVE.check(p + "l2", v.l2);
        this.clipNorm = NumberRange.NON_NEGATIVE.check(p + "clip_norm", v.clipNorm);
        this.weightDecay = NumberRange.NON_NEGATIVE.check(p + "weight_decay", v.weightDecay);
    }

    private static OptimizerConfig of(Type type, double learningRate, Consumer<Values> fill) {
        Values v = new Values(type, learningRate);
        fill.accept(v);
        return new OptimizerConfig(v, DEFAULT_PATH);
    }

    /** Plain SGD: {@code p -= lr·g}. */
    public static OptimizerConfig sgd(double learningRate) {
        return of(Type.SGD, learningRate, v -> { });
    }

    /** Classical momentum: {@code v = m·v - lr·g; p += v}. */
    public static OptimizerConfig momentum(double learningRate, double momentum) {
        return of(Type.MOMENTUM, learningRate, v -> v.momentum = momentum);
    }

    /** Nesterov momentum in the Keras form: {@code v = m·v - lr·g; p += m·v - lr·g}. */
    public static OptimizerConfig nesterov(double learningRate, double momentum) {
        return of(Type.NESTEROV, learningRate, v -> v.momentum = momentum);
    }

    /** Keras RMSprop (rho 0.9, epsilon 1e-7): {@code s = rho·s + (1-rho)·g²; p -= lr·g / sqrt(s + eps)}. */
    public static OptimizerConfig rmsprop(double learningRate) {
        return of(Type.RMSPROP, learningRate, v -> { });
    }

    /** Keras Adam (betas 0.9/0.999, epsilon 1e-7); see {@link Optimizer} for the exact formula. */
    public static OptimizerConfig adam(double learningRate) {
        return of(Type.ADAM, learningRate, v -> { });
    }

    /** Adam with decoupled weight decay {@code p -= lr·weightDecay·p} on regularized blocks. */
    public static OptimizerConfig adamw(double learningRate, double weightDecay) {
        return of(Type.ADAMW, learningRate, v -> v.weightDecay = weightDecay);
    }

    /**
     * Reads {@code {"type": "adam", "learning_rate": 0.001, ..., "schedule": {...}}}; errors name the
     * field under {@code c.path()}, e.g. {@code optimizer.learning_rate}.
     */
    public static OptimizerConfig fromJson(ConfigNode c) {
        c.rejectUnknown("type", "learning_rate", "momentum", "rho", "beta1", "beta2", "epsilon",
                "l1", "l2", "clip_norm", "weight_decay", "schedule");
        Type type = Type.values()[TYPES.indexOf(c.choice("type", null, TYPES))];
        double lr = NumberRange.POSITIVE.read(c, "learning_rate", type.defaultLearningRate());
        Values v = new Values(type, lr);
        v.schedule = LearningRateSchedule.fromJson(c.object("schedule"), lr);
        v.momentum = NumberRange.FRACTION.read(c, "momentum", DEFAULT_MOMENTUM);
        v.rho = NumberRange.FRACTION.read(c, "rho", DEFAULT_RHO);
        v.beta1 = NumberRange.FRACTION.read(c, "beta1", DEFAULT_BETA1);
        v.beta2 = NumberRange.FRACTION.read(c, "beta2", DEFAULT_BETA2);
        v.epsilon = NumberRange.POSITIVE.read(c, "epsilon", DEFAULT_EPSILON);
        v.l1 = NumberRange.NON_NEGATIVE.read(c, "l1", 0);
        v.l2 = NumberRange.NON_NEGATIVE.read(c, "l2", 0);
        v.clipNorm = NumberRange.NON_NEGATIVE.read(c, "clip_norm", 0);
        v.weightDecay = NumberRange.NON_NEGATIVE.read(c, "weight_decay", v.weightDecay);
        return new OptimizerConfig(v, c.path());
    }

    /** Only the fields this type uses; {@code fromJson(toJson())} equals this config. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type.jsonName())
                .put("learning_rate", schedule.learningRate());
        if (type.usesMomentum()) n.put("momentum", momentum);
        if (type == Type.RMSPROP) n.put("rho", rho);
        if (type.usesBetas()) n.put("beta1", beta1).put("beta2", beta2);
        if (type.usesEpsilon()) n.put("epsilon", epsilon);
        n.put("l1", l1).put("l2", l2).put("clip_norm", clipNorm).put("weight_decay", weightDecay);
        n.set("schedule", schedule.toJson());
        return n;
    }

    /** The optimizer for a buffer of this layout; its state is allocated once, here, in {@code dataType}. */
    public Optimizer create(ParamLayout layout, DataType dataType) {
        return build(layout, dataType, StateSlice.whole(dataType, type.stateRows(), layout.size()));
    }

    /** The optimizer for the parameters {@code layout} describes, over {@code slice} of a state buffer. */
    Optimizer build(ParamLayout layout, DataType dataType, StateSlice slice) {
        return switch (type) {
            case SGD -> new Sgd(this, layout, dataType, slice);
            case MOMENTUM -> new MomentumSgd(this, layout, dataType, slice);
            case NESTEROV -> new NesterovSgd(this, layout, dataType, slice);
            case RMSPROP -> new RmsProp(this, layout, dataType, slice);
            case ADAM, ADAMW -> new Adam(this, layout, dataType, slice);
        };
    }

    private OptimizerConfig with(Consumer<Values> change) {
        Values v = new Values(type, schedule.learningRate());
        v.schedule = schedule;
        v.momentum = momentum;
        v.rho = rho;
        v.beta1 = beta1;
        v.beta2 = beta2;
        v.epsilon = epsilon;
        v.l1 = l1;
        v.l2 = l2;
        v.clipNorm = clipNorm;
        v.weightDecay = weightDecay;
        change.accept(v);
        return new OptimizerConfig(v, DEFAULT_PATH);
    }

    /** The same optimizer at another base rate, keeping the schedule's shape. */
    public OptimizerConfig withLearningRate(double learningRate) {
        LearningRateSchedule s = schedule.withLearningRate(learningRate);
        return with(v -> v.schedule = s);
    }

    /** Replaces the schedule; its base rate becomes this optimizer's {@code learning_rate}. */
    public OptimizerConfig withSchedule(LearningRateSchedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        return with(v -> v.schedule = schedule);
    }

    public OptimizerConfig withL1(double l1) {
        return with(v -> v.l1 = l1);
    }

    public OptimizerConfig withL2(double l2) {
        return with(v -> v.l2 = l2);
    }

    /** Clip the gradient to this global L2 norm; 0 turns clipping off. */
    public OptimizerConfig withClipNorm(double clipNorm) {
        return with(v -> v.clipNorm = clipNorm);
    }

    public OptimizerConfig withWeightDecay(double weightDecay) {
        return with(v -> v.weightDecay = weightDecay);
    }

    public OptimizerConfig withMomentum(double momentum) {
        return with(v -> v.momentum = momentum);
    }

    public OptimizerConfig withRho(double rho) {
        return with(v -> v.rho = rho);
    }

    public OptimizerConfig withBetas(double beta1, double beta2) {
        return with(v -> {
            v.beta1 = beta1;
            v.beta2 = beta2;
        });
    }

    public OptimizerConfig withEpsilon(double epsilon) {
        return with(v -> v.epsilon = epsilon);
    }

    public Type type() {
        return type;
    }

    /** The base rate; the rate at a given step is {@code schedule().rate(step)}. */
    public double learningRate() {
        return schedule.learningRate();
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    public double momentum() {
        return momentum;
    }

    public double rho() {
        return rho;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    public double l1() {
        return l1;
    }

    public double l2() {
        return l2;
    }

    /** The global-norm clipping threshold; 0 means no clipping. */
    public double clipNorm() {
        return clipNorm;
    }

    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptimizerConfig c && type == c.type && schedule.equals(c.schedule)
                && Double.compare(momentum, c.momentum) == 0 && Double.compare(rho, c.rho) == 0
                && Double.compare(beta1, c.beta1) == 0 && Double.compare(beta2, c.beta2) == 0
                && Double.compare(epsilon, c.epsilon) == 0 && Double.compare(l1, c.l1) == 0
                && Double.compare(l2, c.l2) == 0 && Double.compare(clipNorm, c.clipNorm) == 0
                && Double.compare(weightDecay, c.weightDecay) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, schedule, momentum, rho, beta1, beta2, epsilon, l1, l2, clipNorm, weightDecay);
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
