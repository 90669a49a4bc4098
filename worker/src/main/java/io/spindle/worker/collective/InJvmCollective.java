package io.spindle.worker.collective;

import io.spindle.core.kernel.FloatLoops;
import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * N ranks as threads of one JVM, exchanging through shared memory: local mode's transport. Every call opens
 * with a rendezvous where each rank publishes its buffer; in a reduction each rank then reduces one chunk,
 * summing ranks 0..N-1 in order and dividing by N (one SIMD pass), so all ranks hold the same bits. An all-reduce reduces
 * into a shared result that every rank copies after a second rendezvous; a reduce-scatter reduces into the
 * rank's own buffer (or, for an optimizer that averages in its own pass, {@link #reduceScatterOperands} hands
 * the rank every rank's part of its shard) and an all-gather copies straight from the owners', with no second
 * rendezvous (the {@link Collective} contract lets peers read a buffer until they reach their next call), so a
 * sharded step makes two rendezvous, not four. The wire format and secret are not used; a rank that does not
 * arrive within the timeout is named in the error.
 */
public final class InJvmCollective implements Collective {

    private final int rank;
    private final InJvmGroup group;
    private final CallSequence calls = new CallSequence();

    private InJvmCollective(int rank, InJvmGroup group) {
        this.rank = rank;
        this.group = group;
    }

    /** N connected ranks; hand element r to the thread that plays rank r. */
    public static List<Collective> create(int n, CollectiveOptions options) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        InJvmGroup group = new InJvmGroup(n, options.timeoutMillis());
        List<Collective> ranks = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            ranks.add(new InJvmCollective(r, group));
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return group.size();
    }

    @Override
    public void allReduceMean(INDArray buffer) {
        if (group.size() == 1) {
            begin(Operation.ALL_REDUCE, buffer.length(), -1);   // the mean over one rank is the buffer itself
            return;
        }
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = begin(Operation.ALL_REDUCE, work.length(), -1);
        group.start(rank, header, work);
        reduceOwnChunk(work.length());
        group.finish(rank, header);   // every chunk of the result is complete
        if (work.length() > 0) {
            work.array().assign(group.result());
        }
        work.writeBack();
    }

    @Override
    public Shard shardOf(long from, long to) {
        return new Shard(chunkStart(from, to, rank), chunkStart(from, to, rank + 1));
    }

    /** Where rank r's chunk of the window [from, to) starts: chunks differ in length by at most one. */
    private long chunkStart(long from, long to, int r) {
        return from + (to - from) * r / group.size();
    }

    @Override
    public void reduceScatterMean(INDArray buffer) {
        reduceScatterMean(buffer, 0, buffer.length());
    }

    @Override
    public void reduceScatterMean(INDArray buffer, long from, long to) {
        Collective.requireWindow(buffer.length(), from, to);
        WorkBuffer work = startReduceScatter(buffer);
        if (work == null) {
            return;   // the mean over one rank is the buffer itself
        }
        // Straight into this rank's own shard of its own buffer: the others read other shards of it. No closing
        // rendezvous, as the contract allows: a peer reads this buffer only until it reaches its next call.
        Shard mine = shardOf(from, to);
        if (mine.length() > 0) FloatLoops.mean(published(), work.memory(), (int) mine.from(), (int) mine.to());
        work.writeBack();
    }

    /**
     * A reduce-scatter whose averaging the caller does in its own pass over the shard (a {@code MeanFusingOptimizer}):
     * returns, in rank order, every rank's {@link #shardOf} part of {@code buffer}, float32 in native order, indexed
     * from the shard's first element, readable until the caller's next call on the collective. Their sum in rank order
     * divided by {@link #size} has the bits {@link #reduceScatterMean} would leave; peers read their parts of this
     * rank's buffer meanwhile, so it must not change. With one rank it returns null: the mean is the buffer itself.
     */
    public ByteBuffer[] reduceScatterOperands(INDArray buffer) {
        // Read in place by the caller until its next call, as reduceScatterMean's peers read this buffer: nothing is
        // written, so a copy made by WorkBuffer (a view, not the caller's own memory) needs no write-back.
        return startReduceScatter(buffer) == null ? null : publishedShards();
    }

    /** Publishes {@code buffer} for a reduce-scatter and meets the others; null when there are no others. */
    private WorkBuffer startReduceScatter(INDArray buffer) {
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = begin(Operation.REDUCE_SCATTER, work.length(), -1);
        if (group.size() == 1) {
            return null;
        }
        group.start(rank, header, work);
        return work;
    }

    /** This rank's shard of every rank's published buffer, in rank order, each indexed from 0. */
    private ByteBuffer[] publishedShards() {
        ByteBuffer[] shards = new ByteBuffer[group.size()];
        for (int r = 0; r < shards.length; r++) {
            WorkBuffer published = group.published(r);
            Shard mine = shardOf(published.length());
            shards[r] = published.memory().slice((int) mine.from() * 4, (int) mine.length() * 4).order(java.nio.ByteOrder.nativeOrder());
        }
        return shards;
    }

    /**
     * Sums this rank's chunk of every published buffer in rank order 0..N-1 and divides by N, into the
     * shared result.
     */
    private void reduceOwnChunk(long n) {
        Shard mine = shardOf(n);
        if (mine.length() == 0) {
            return;   // an empty buffer has no shared result either
        }
        FloatLoops.mean(published(), Memory.of(group.result()), (int) mine.from(), (int) mine.to());
    }

    /** The memory of every rank's published buffer, in rank order. */
    private ByteBuffer[] published() {
        ByteBuffer[] all = new ByteBuffer[group.size()];
        for (int r = 0; r < all.length; r++) {
            all[r] = group.published(r).memory();
        }
        return all;
    }

    /**
     * The group's one buffer (zeroed when the first rank asks). Ranks that train it instead of their own copies (see
     * {@code SharedParameters}) make each all-gather of it a rendezvous without copies: every owner has already
     * written its shard into the one memory. The same array on every rank; every rank must ask at the same point.
     */
    public INDArray sharedBuffer(DataType type, long length) {
        return group.shared(type, length);
    }

    @Override
    public void allGather(INDArray buffer) {
        allGather(buffer, 0, buffer.length());
    }

    @Override
    public void allGather(INDArray buffer, long from, long to) {
        Collective.requireWindow(buffer.length(), from, to);
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = begin(Operation.ALL_GATHER, to - from, -1);
        if (group.size() == 1) {
            return;
        }
        group.start(rank, header, work);
        ByteBuffer mine = work.memory();
        for (int r = 0; r < group.size(); r++) {
            int lo = (int) chunkStart(from, to, r), hi = (int) chunkStart(from, to, r + 1);
            if (r != rank && lo < hi && !sameMemory(group.published(r), work)) {
                mine.put(lo * 4, group.published(r).memory(), lo * 4, (hi - lo) * 4);
            }
        }
        // No closing rendezvous (see reduceScatterMean): an owner changes its shard only after its next call.
        work.writeBack();
    }

    @Override
    public void broadcast(INDArray buffer, int root) {
        if (root < 0 || root >= group.size()) {
            throw new IllegalArgumentException("root must be in [0, " + group.size() + "), got " + root);
        }
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = begin(Operation.BROADCAST, work.length(), root);
        group.start(rank, header, work);
        if (rank != root && work.length() > 0 && !sameMemory(group.published(root), work)) {
            work.array().assign(group.published(root).array());
        }
        group.finish(rank, header);   // the root must not change its buffer while others still copy it
        work.writeBack();
    }

    @Override
    public void barrier() {
        group.start(rank, begin(Operation.BARRIER, 0, -1), null);
    }

    @Override
    public String toString() {
        return "in_jvm (" + group.size() + " threads of one JVM)";
    }

    @Override
    public void close() {
        if (calls.close()) {
            group.close(rank);
        }
    }

    /** Whether two ranks published one memory (a {@link #sharedBuffer}): copying it onto itself would do nothing. */
    private static boolean sameMemory(WorkBuffer a, WorkBuffer b) {
        return a.array().data().address() == b.array().data().address() && a.array().offset() == b.array().offset();
    }

    private OpHeader begin(Operation op, long count, int root) {
        return calls.next(op, WireFormat.FLOAT32, count, root, 0);   // no wire, no pieces
    }

}
