package io.spindle.core.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;

/**
 * An optimizer that can fold the averaging of several replicas' gradients into its update's own pass (adam, adamw):
 * replicas that share memory hand it their gradients in place of a reduce-scatter.
 */
public interface MeanFusingOptimizer extends Optimizer {

    /**
     * Whether {@link #stepOnMean} applies to this instance: float32 without {@code l1}, {@code l2} or
     * {@code clip_norm} (penalties and clipping need the averaged gradient in memory before the update), on fewer
     * than 2 GiB of parameters.
     */
    boolean fusesMean();

    /**
     * {@link #step} with the element-wise mean of {@code gradients} as the gradient: float32 buffers in native order,
     * each of exactly {@code numParams} values indexed from 0 (capacity {@code 4·numParams}), read only during this
     * call (their memory must stay reachable until it returns), summed in the order given and divided by their count.
     * The result has the bits of {@code FloatLoops.mean} into a gradient buffer followed by {@link #step}, without
     * writing the mean to memory and reading it back.
     *
     * @throws IllegalStateException when not {@link #fusesMean()}
     */
    void stepOnMean(INDArray params, ByteBuffer[] gradients);
}
