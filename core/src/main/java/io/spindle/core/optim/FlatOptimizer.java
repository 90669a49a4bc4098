package io.spindle.core.optim;

import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every optimizer shares: argument checks, penalties, clipping, weight decay, the step counter
 * and one state buffer of {@code rows × numParams}. Subclasses supply only the update rule, and a
 * constructor of the same signature that {@link OptimizerConfig} calls for the whole buffer and for shards.
 */
abstract class FlatOptimizer implements Optimizer {
    protected final OptimizerConfig config;
    protected final long numParams;
    private final ParamLayout layout;
    private final DataType dataType;
    private final StateSlice slice;
    private final RegularizedBlocks regularized;
    private final COrdered paramsView = new COrdered();
    private final COrdered gradsView = new COrdered();

    /** {@code layout} describes the parameters this instance updates: all of them, or a shard's. */
    FlatOptimizer(OptimizerConfig config, ParamLayout layout, DataType dataType, StateSlice slice) {
        if (!dataType.isFPType()) throw new IllegalArgumentException("optimizer data type must be floating point, not " + dataType);
        this.config = config;
        this.layout = layout;
        this.numParams = layout.size();
        this.dataType = dataType;
        this.slice = slice;
        this.regularized = new RegularizedBlocks(layout, dataType);
    }

    /**
     * Applies the update rule in place with the scheduled rate. {@code grads} is already penalised and
     * clipped and may be overwritten; both buffers are c-ordered, like the state rows and {@link #scratch}.
     */
    protected abstract void update(INDArray params, INDArray grads, double lr, long iteration);

    @Override
    public final void step(INDArray params, INDArray grads) {
        INDArray p = paramsView.of(check("params", params));
        INDArray g = gradsView.of(check("grads", grads));
        long iteration = slice.iteration();
        double lr = config.schedule().rate(iteration);
        regularized.addPenalties(p, g, config.l1(), config.l2());
        if (config.clipNorm() > 0) clipByGlobalNorm(g, config.clipNorm());
        regularized.decay(p, lr * config.weightDecay());
        update(p, g, lr, iteration);
        slice.advance();
    }

    /**
     * {@link #update} on the mean of {@code gradients} (see {@link MeanFusingOptimizer#stepOnMean}); called only when
     * {@link #hasFusedMean} says this rule has one.
     */
    protected void updateOnMean(INDArray params, ByteBuffer[] gradients, double lr, long iteration) {
        throw new IllegalStateException(config.type().jsonName() + " has no update on a mean of gradients");
    }

    /** Whether this rule overrides {@link #updateOnMean}, for float32 buffers. */
    protected boolean hasFusedMean() {
        return false;
    }

    /** {@link MeanFusingOptimizer#fusesMean}, for the rules that implement it. */
    public final boolean fusesMean() {
        return hasFusedMean() && dataType == DataType.FLOAT && config.l1() == 0 && config.l2() == 0 && config.clipNorm() == 0;
    }

    /** {@link MeanFusingOptimizer#stepOnMean}, for the rules that implement it. */
    public final void stepOnMean(INDArray params, ByteBuffer[] gradients) {
        if (!fusesMean()) {
            throw new IllegalStateException("this " + config.type().jsonName() + " optimizer cannot average gradients in its update "
                    + "(it needs float32 and no l1, l2 or clip_norm); average them first and call step");
        }
        INDArray p = paramsView.of(check("params", params));
        long iteration = slice.iteration();
        double lr = config.schedule().rate(iteration);
        regularized.decay(p, lr * config.weightDecay());
        updateOnMean(p, gradients, lr, iteration);
        slice.advance();
    }

    @Override
    public final boolean shardable() {
        return config.clipNorm() == 0;
    }

    @Override
    public final Optimizer shard(long from, long to) {
        if (!shardable()) {
            throw new IllegalStateException("clipping by global norm needs every gradient, so this optimizer cannot be sharded");
        }
        return config.build(layout.slice(from, to), dataType, slice.sub(from, to));
    }

    @Override
    public final Optimizer shard(List<Range> ranges) {
        if (!shardable()) {
            throw new IllegalStateException("clipping by global norm needs every gradient, so this optimizer cannot be sharded");
        }
        if (ranges.size() == 1) return shard(ranges.get(0).from(), ranges.get(0).to());
        List<Optimizer> parts = new ArrayList<>(ranges.size());
        for (Range r : ranges) parts.add(config.build(layout.slice(r.from(), r.to()), dataType, slice.follower(r.from(), r.to())));
        return new RangeShard(ranges, parts, slice, numParams, config.schedule());
    }

    private static void clipByGlobalNorm(INDArray grads, double clipNorm) {
        // BLAS dot is one SIMD pass; norm2Number() measured several times slower (bench/RESULTS.md).
        double norm = Math.sqrt(Nd4j.getBlasWrapper().dot(grads, grads));
        if (norm > clipNorm) grads.muli(clipNorm / norm);
    }

    /** Row {@code r} of this optimizer's part of the state buffer, a view. */
    protected final INDArray stateRow(int r) {
        return slice.row(r);
    }

    /** A work buffer of one row; subclasses that need one allocate it once, in their constructor. */
    protected final INDArray scratch() {
        return zeros(dataType, numParams);
    }

    @Override
    public final INDArray state() {
        return slice.buffer();
    }

    @Override
    public final long iteration() {
        return slice.iteration();
    }

    @Override
    public final void restore(INDArray saved, long iteration) {
        if (iteration < 0) throw new IllegalArgumentException("iteration must be >= 0 but was " + iteration);
        INDArray state = slice.buffer();
        if (saved.length() != state.length()) {
            throw new IllegalArgumentException("a " + config.type().jsonName() + " state for " + slice.length()
                    + " parameters holds " + state.length() + " values but the checkpoint has " + saved.length());
        }
        if (state.length() > 0) state.assign(saved.reshape(state.length()));
        slice.setIteration(iteration);
    }

    @Override
    public final double learningRate() {
        return config.schedule().rate(slice.iteration());
    }

    private INDArray check(String name, INDArray a) {
        if (a.rank() != 1 || a.length() != numParams || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException(name + " must be a contiguous rank-1 buffer of " + numParams
                    + " values but has shape " + Arrays.toString(a.shape()) + " and stride " + Arrays.toString(a.stride()));
        }
        if (a.dataType() != dataType) {
            throw new IllegalArgumentException(name + " are " + a.dataType() + " but the optimizer was built for " + dataType);
        }
        return a;
    }

    static INDArray zeros(DataType type, long length) {
        return length == 0 ? Nd4j.create(type, 0) : Nd4j.zeros(type, length);
    }

    /**
     * The same memory as a c-ordered view. libnd4j takes its fast (SIMD, no index arithmetic) loops only
     * when all operands share one ordering, and rank-1 views from {@code get(interval)} (Network's buffers,
     * our state rows) report 'f' while new arrays report 'c': mixed, adam_updater ran far slower.
     */
    static INDArray cOrdered(INDArray flat) {
        if (flat.ordering() == 'c') return flat;
        return Nd4j.create(flat.data(), flat.shape(), flat.stride(), flat.offset(), 'c');
    }

    /** {@link #cOrdered} of the last buffer seen, so the same caller's buffer costs no new view per step. */
    private static final class COrdered {
        private INDArray source;
        private INDArray view;

        INDArray of(INDArray flat) {
            if (flat != source) {
                view = cOrdered(flat);
                source = flat;
            }
            return view;
        }
    }
}
