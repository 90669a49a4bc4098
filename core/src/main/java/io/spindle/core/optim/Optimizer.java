package io.spindle.core.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Updates one flat parameter buffer in place from its flat gradient; built by {@link OptimizerConfig#create}.
 * Its state is one flat buffer of {@code k × numParams} values, row r holding one per-parameter
 * quantity in the parameter layout: sgd k=0; momentum and nesterov k=1 (velocity v); rmsprop k=1
 * (mean square s); adam and adamw k=2 (row 0 the first moment m, row 1 the second moment v).
 *
 * <p>Update rules, with {@code t = iteration() + 1} and {@code lr = schedule.rate(iteration())}:
 * <pre>
 * sgd       p -= lr·g
 * momentum  v = μ·v - lr·g;  p += v
 * nesterov  v = μ·v - lr·g;  p += μ·v - lr·g            (Keras form; the same as Sutskever's after a change of variable)
 * rmsprop   s = ρ·s + (1-ρ)·g²;  p -= lr·g / sqrt(s + ε)  (Keras form, ε inside the root)
 * adam      m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;
 *           p -= lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε)   (Keras form: ε is the paper's "ε hat";
 *           PyTorch adds ε to sqrt(v/(1-β2^t)) instead, which differs only in how ε is scaled)
 * adamw     adam after the decoupled weight decay p -= lr·wd·p on regularized blocks (weights, not biases)
 * </pre>
 */
public interface Optimizer {

    /**
     * One update: penalties, clipping, weight decay and the update rule, then {@code iteration()}
     * advances. {@code params} and {@code grads} are rank-1 buffers of the layout's size and the
     * optimizer's data type; {@code grads} may be overwritten.
     */
    void step(INDArray params, INDArray grads);

    /** The live state buffer (length k × numParams, zero for sgd); copy it to keep it across steps. */
    INDArray state();

    /** Number of steps taken (or restored); the next step is step {@code iteration()} of the schedule. */
    long iteration();

    /** Resumes from a checkpoint: afterwards every step gives the results an uninterrupted run would. */
    void restore(INDArray state, long iteration);

    /**
     * True when a step on a slice of the buffers gives exactly that slice of a whole step, so workers may
     * each update one shard (false with {@code clip_norm}: the global norm needs every gradient).
     */
    boolean shardable();

    /**
     * An optimizer for the parameters [from, to) that works on this one's state and step counter: stepping
     * it with {@code params[from, to)} and {@code grads[from, to)} updates that slice of this optimizer's
     * state and advances its {@link #iteration()}. Its {@link #state()} is this optimizer's whole buffer.
     *
     * @throws IllegalStateException when not {@link #shardable()}
     */
    Optimizer shard(long from, long to);

    /**
     * An optimizer for several disjoint parameter ranges that a step updates together, as one step: stepping it with
     * the <em>whole</em> {@code params} and {@code grads} buffers updates those ranges (and their state) only and
     * advances {@link #iteration()} once. A sharded step whose collective cuts each gradient bucket into its own
     * chunks owns one chunk per bucket. Its {@link #state()} is this optimizer's whole buffer.
     *
     * @throws IllegalStateException when not {@link #shardable()}
     */
    Optimizer shard(List<Range> ranges);

    /**
     * A shard of several ranges ({@link #shard(List)}) whose step may be taken a range at a time, as each range's
     * gradients become final (the overlapped sharded step updates a bucket's chunk while backward goes on):
     * {@link #stepRange} once for each range, in any order, one call at a time, then {@link #finishStep}. The bits are
     * {@link #step}'s: a shardable rule is elementwise, and every range reads the one step counter.
     */
    interface ByRange extends Optimizer {
        /** Steps range {@code index} (in the order the ranges were given) of the whole {@code params} and {@code grads}. */
        void stepRange(int index, INDArray params, INDArray grads);

        /** Ends the step whose ranges have all been stepped: {@link #iteration()} advances once. */
        void finishStep();
    }

    /** The parameters [from, to) of a buffer. */
    record Range(long from, long to) {
        public Range {
            if (from < 0 || to < from) throw new IllegalArgumentException("a range is [from, to) with 0 <= from <= to, got [" + from + ", " + to + ")");
        }
    }

    /** The scheduled rate the next step will use. */
    double learningRate();
}
