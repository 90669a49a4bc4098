package io.spindle.bench.scaling;

/**
 * How one lab mode synchronises a step's gradients: told as each bucket leaves backward, then asked to finish.
 * The overlapped sync of the training step plugs in here as one more implementation.
 */
public interface GradientSync extends AutoCloseable {

    /** Backward has finished bucket {@code index} (indices arrive in release order, last layers first). */
    void bucketReady(int index);

    /** Blocks until every bucket of this step is reduced. */
    void finish();

    @Override
    void close();
}
