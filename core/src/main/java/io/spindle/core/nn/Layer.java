package io.spindle.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One differentiable step of a network. Shapes passed here are per sample (no batch axis);
 * arrays passed to forward/backward carry the batch as their first axis.
 *
 * <p>Lifecycle: {@link #outputShape} and {@link #params} describe the layer for an input shape;
 * {@link #bind} hands it views into the model's flat parameter and gradient buffers; then
 * {@link #forward} and {@link #backward} alternate. Backward <b>accumulates</b> into the gradient
 * view (the caller zeroes it once per step) and may only be called after a training forward.
 */
public interface Layer {

    /** The per-sample output shape for a per-sample input shape; throws if the input does not fit. */
    long[] outputShape(long[] inputShape);

    /** The parameter blocks this layer owns, in the order they are laid out in its slice of the flat buffer. */
    default List<ParamSpec> params(long[] inputShape) {
        return List.of();
    }

    /** Gives the layer its slices of the flat buffers (1-D views, {@code sum(params) } long). */
    default void bind(long[] inputShape, INDArray params, INDArray grads) {
    }

    /** Computes the output for a batch; the returned array is owned by the layer and reused next call. */
    INDArray forward(INDArray input, boolean training);

    /**
     * Adds this batch's parameter gradients into the gradient view and, when asked, returns
     * dLoss/dInput (owned by the layer); returns null when {@code needInputGradient} is false.
     */
    INDArray backward(INDArray gradOutput, boolean needInputGradient);

    /** A short name for messages, e.g. {@code dense}. */
    String name();
}
