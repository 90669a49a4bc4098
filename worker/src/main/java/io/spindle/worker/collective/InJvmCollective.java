package io.spindle.worker.collective;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * N ranks as threads of one JVM, exchanging through shared memory: for tests and the single-process
 * path. Each rank reduces one chunk of every operation, summing ranks 0..N-1 in order and dividing by N,
 * into a shared result that every rank then copies, so all ranks hold the same bits. The wire format
 * and secret are not used; a rank that does not arrive within the timeout is named in the error.
 */
public final class InJvmCollective implements Collective {

    private final int rank;
    private final InJvmGroup group;
    private final CallSequence calls = new CallSequence();
    private final ViewCache views = new ViewCache();

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
        group.finish(rank, header);
        if (work.length() > 0) {
            work.array().assign(group.result());
        }
        work.writeBack();
    }

    @Override
    public Shard shardOf(long n) {
        return new Shard(chunkStart(n, rank), chunkStart(n, rank + 1));
    }

    /** Where rank r's chunk of an n-element buffer starts: chunks differ in length by at most one. */
    private long chunkStart(long n, int r) {
        return n * r / group.size();
    }

    @Override
    public void reduceScatterMean(INDArray buffer) {
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = begin(Operation.REDUCE_SCATTER, work.length(), -1);
        if (group.size() == 1) {
            return;
        }
        group.start(rank, header, work);
        // Into the shared result first: the other ranks still read this rank's buffer until finish.
        INDArray sum = reduceOwnChunk(work.length());
        group.finish(rank, header);
        if (sum != null) {
            Shard mine = shardOf(work.length());
            slice(work, mine.from(), mine.to()).assign(sum);
        }
        work.writeBack();
    }

    /**
     * Sums this rank's chunk of every published buffer in rank order 0..N-1 and divides by N, into the
     * shared result; returns that view, or null when the chunk is empty.
     */
    private INDArray reduceOwnChunk(long n) {
        Shard mine = shardOf(n);
        if (mine.length() == 0) {
            return null;
        }
        INDArray sum = views.of(group.result(), mine.from(), mine.to());
        sum.assign(slice(group.published(0), mine.from(), mine.to()));
        for (int r = 1; r < group.size(); r++) {
            sum.addi(slice(group.published(r), mine.from(), mine.to()));
        }
        return sum.divi(group.size());
    }

    @Override
    public void allGather(INDArray buffer) {
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = begin(Operation.ALL_GATHER, work.length(), -1);
        if (group.size() == 1) {
            return;
        }
        group.start(rank, header, work);
        for (int r = 0; r < group.size(); r++) {
            long from = chunkStart(work.length(), r), to = chunkStart(work.length(), r + 1);
            if (r != rank && from < to) {
                slice(work, from, to).assign(slice(group.published(r), from, to));
            }
        }
        group.finish(rank, header);   // an owner must not change its shard while others still copy it
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
        if (rank != root && work.length() > 0) {
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
    public void close() {
        if (calls.close()) {
            group.close(rank);
        }
    }

    private OpHeader begin(Operation op, long count, int root) {
        return calls.next(op, WireFormat.FLOAT32, count, root, 0);   // no wire, no pieces
    }

    private INDArray slice(WorkBuffer work, long from, long to) {
        return views.of(work.array(), from, to);
    }
}
