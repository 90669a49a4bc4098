package io.spindle.worker.collective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collective operations over one flat float32 buffer per rank (the model's parameters or gradients).
 * One caller thread per rank; every rank must call the same operations in the same order.
 */
public interface Collective extends AutoCloseable {

    /** This rank, in {@code [0, size())}. */
    int rank();

    /** The number of ranks. */
    int size();

    /**
     * Replaces {@code buffer} in place with the element-wise mean over all ranks. Every rank ends with
     * the same bits, and the same inputs give the same bits on every run (the summation order is fixed).
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    void allReduceMean(INDArray buffer);

    /**
     * Copies {@code root}'s buffer, exactly, into every other rank's {@code buffer}.
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    void broadcast(INDArray buffer, int root);

    /**
     * Returns once every rank has called {@code barrier()}.
     *
     * @throws CollectiveException if a peer fails or stays silent past the timeout
     */
    void barrier();

    /** Releases threads and sockets; prompt even after a failure. Peers still waiting see this rank as gone. */
    @Override
    void close();
}
