package io.spindle.worker.collective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collective operations over one flat float32 buffer per rank (the model's parameters or gradients).
 * One caller thread per rank; every rank must call the same operations in the same order.
 *
 * <p>After {@link #reduceScatterMean} and {@link #allGather} return, peers may still be reading this rank's buffer
 * until they reach their next call (the in-JVM transport reads peers' memory directly and skips the closing
 * rendezvous). So until its next call on the collective, a rank may change only its own {@link #shardOf} part of a
 * reduce-scatter's buffer, and must not change its own part of an all-gather's buffer. A sharded optimizer step does
 * exactly that. The other operations leave no such reads behind. What only one transport can do (in-JVM shared
 * memory) is a method of that transport, used by the sync built for it, not a method here.
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
     * {@link #allReduceMean} of the elements [from, to) of {@code buffer} alone, as if they were a buffer of their own
     * (a bucket of the gradients, reduced while backward still writes the others; the rest of the buffer is neither
     * read nor written). A ring cuts the window into its own N chunks, so every link carries a share of every bucket;
     * its bits then depend on the windows, so a step that must give the same bits overlapped or not reduces the same
     * windows both ways.
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    default void allReduceMean(INDArray buffer, long from, long to) {
        // The whole buffer goes as it is: a view of it would cost the transport a copy in and out.
        allReduceMean(from == 0 && to == buffer.length() ? buffer : window(buffer, from, to));
    }

    /**
     * The part of an {@code n}-element buffer this rank owns after {@link #reduceScatterMean} and contributes
     * to {@link #allGather}: {@link #shardOf(long, long) shardOf(0, n)}.
     */
    default Shard shardOf(long n) {
        return shardOf(0, n);
    }

    /**
     * The part of the window [from, to) this rank owns after {@link #reduceScatterMean(INDArray, long, long)} of it and
     * contributes to {@link #allGather(INDArray, long, long)} of it. The shards of all ranks tile the window. A
     * transport without a sharded path owns the whole window on every rank, which makes the pair an all-reduce followed
     * by nothing.
     */
    default Shard shardOf(long from, long to) {
        return new Shard(from, to);
    }

    /**
     * Leaves in this rank's {@link #shardOf} part of {@code buffer} the element-wise mean over all ranks,
     * with the same bits {@link #allReduceMean} would give there; the rest of the buffer is undefined.
     * Half an all-reduce: with {@link #allGather} it lets each rank update only its shard (a sharded optimizer).
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    default void reduceScatterMean(INDArray buffer) {
        reduceScatterMean(buffer, 0, buffer.length());
    }

    /**
     * {@link #reduceScatterMean} of the window [from, to) of {@code buffer} as a buffer of its own: leaves the mean in
     * this rank's {@link #shardOf(long, long)} part of the window, with the bits {@link #allReduceMean(INDArray, long,
     * long)} of the same window gives there. A transport without a sharded path all-reduces the window.
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    default void reduceScatterMean(INDArray buffer, long from, long to) {
        allReduceMean(buffer, from, to);
    }

    /** The elements [from, to) of a rank-1 buffer as a view, after checking the window lies inside it. */
    static INDArray window(INDArray buffer, long from, long to) {
        requireWindow(buffer.length(), from, to);
        return buffer.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
    }

    /** Throws unless [from, to) lies within a buffer of {@code length} elements. */
    static void requireWindow(long length, long from, long to) {
        if (from < 0 || to > length || from > to) {
            throw new IllegalArgumentException("a window must lie within [0, " + length + "] but was [" + from + ", " + to + ")");
        }
    }

    /**
     * Copies every rank's {@link #shardOf} part of {@code buffer} into the other ranks' buffers, exactly
     * (float32 whatever the wire format), so all ranks end with the same bits.
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    default void allGather(INDArray buffer) {
        allGather(buffer, 0, buffer.length());
    }

    /**
     * {@link #allGather} of the window [from, to) alone: every rank's {@link #shardOf(long, long)} part of it reaches
     * the others, exactly; the rest of the buffer is neither read nor written.
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    default void allGather(INDArray buffer, long from, long to) {
        requireWindow(buffer.length(), from, to);
        // Every rank owns the whole window: there is nothing to gather.
    }

    /**
     * {@link #allGather(INDArray, long, long)} in the collective's wire format: each rank first rounds its own part of
     * the window, in place, to what the wire carries, so every rank, the owner included, ends with the same bits.
     * For a buffer whose rounding does no harm (a sharded step's parameter updates, not the parameters themselves).
     * Exact, as {@code allGather}, where the wire is float32 or there is none.
     *
     * @throws CollectiveException if a peer fails, stays silent past the timeout, or disagrees on the call
     */
    default void allGatherInWireFormat(INDArray buffer, long from, long to) {
        allGather(buffer, from, to);
    }

    /** Whether {@link #allGatherInWireFormat} rounds (a 16-bit wire format), so that it carries fewer bytes than allGather. */
    default boolean roundsOnTheWire() {
        return false;
    }

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

    /**
     * This rank stops on a failure of its own (its data, its model, an injected fault), not the collective's: peers
     * that wait for it hear {@code reason} before they see it gone, so whichever rank's error reaches the driver says
     * what happened. Best effort, and a transport whose ranks cannot be told (threads of one JVM see each other's
     * failures anyway) does nothing. Call {@link #close} next.
     */
    default void abandon(String reason) {
    }

    /** Releases threads and sockets; prompt even after a failure. Peers still waiting see this rank as gone. */
    @Override
    void close();
}
