package io.spindle.worker.collective;

import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One rank's two ring connections (out to rank+1, in from rank-1) and the steps of each operation over
 * them. The caller thread receives and reduces; a {@link FrameSender} thread sends, so pieces flow
 * through the ring while each rank is still receiving.
 */
final class RingLinks {

    private static final Runnable NOTHING = () -> { };

    private final int rank;
    private final String self;
    private final int size;
    private final CollectiveOptions options;
    private final HandshakeAcceptor acceptor;
    private final TimedSocket toNext;
    private final TimedSocket fromPrev;
    private final FrameSender sender;
    private volatile boolean abandoned;
    private final FrameReader reader;
    private final WireCodec sendCodec;      // used on the sender thread only
    private final WireCodec receiveCodec;   // used on the caller thread only

    private RingLinks(int rank, String self, int size, CollectiveOptions options, HandshakeAcceptor acceptor,
                      TimedSocket toNext, String nextPeer, TimedSocket fromPrev, String prevPeer) {
        this.rank = rank;
        this.self = self;
        this.size = size;
        this.options = options;
        this.acceptor = acceptor;
        this.toNext = toNext;
        this.fromPrev = fromPrev;
        this.reader = new FrameReader(fromPrev, prevPeer, options.timeoutMillis());
        // A failed send must wake the caller, who is usually blocked receiving from the other side.
        this.sender = FrameSender.start(toNext, nextPeer, options.timeoutMillis(),
                "spindle-ring-r" + rank + "-to-r" + next(rank, size), true, fromPrev::interruptReads);
        this.sendCodec = new WireCodec(options.wireFormat(), options.pieceValues());
        this.receiveCodec = new WireCodec(options.wireFormat(), options.pieceValues());
    }

    static final String UNREACHABLE_ADVICE = "; the ring needs every executor to reach the others on ephemeral TCP ports: "
            + "open them between executors, or set training.transport=coordinator (all traffic through the driver)";

    /** Dials rank+1 and admits rank-1 on {@code server}; on failure everything opened is closed again. */
    static RingLinks open(int rank, ServerSocketChannel server, List<HostPort> addresses, CollectiveOptions options) {
        int size = addresses.size();
        int next = next(rank, size);
        int prev = (rank - 1 + size) % size;
        String nextPeer = "rank " + next + " (" + addresses.get(next) + ")";
        String prevPeer = "rank " + prev + " (" + addresses.get(prev) + ")";
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
        Handshake handshake = new Handshake(Handshake.RING_MAGIC, options.secret(), size);
        HandshakeAcceptor acceptor = HandshakeAcceptor.start(server, handshake, rank, List.of(prev),
                options.handshakeTimeoutMillis(), "spindle-ring-r" + rank);
        TimedSocket toNext = null;
        TimedSocket fromPrev = null;
        try {
            try {
                toNext = handshake.connect(addresses.get(next), rank, next, nextPeer, options.timeoutMillis(), options.handshakeTimeoutMillis());
            } catch (CollectiveException e) {
                // A misconfigured job fails both ways; what this side refused tells the user why.
                throw new CollectiveException(e.getMessage() + acceptor.dropSummary() + UNREACHABLE_ADVICE, e);
            }
            fromPrev = acceptor.await(prev, prevPeer, deadline, options.timeoutMillis());
            // The acceptor keeps running: late strangers are dropped there, never reach the ring.
            String self = "rank " + rank + " (" + addresses.get(rank) + ")";
            return new RingLinks(rank, self, size, options, acceptor, toNext, nextPeer, fromPrev, prevPeer);
        } catch (RuntimeException e) {
            TimedSocket.closeQuietly(toNext);
            TimedSocket.closeQuietly(fromPrev);
            acceptor.close();
            throw e;
        }
    }

    /** Runs one operation; on failure tells rank+1 why (so the news travels round the ring) and rethrows. */
    void run(OpHeader header, Consumer<OpHeader> body) {
        sender.guard(header.op(), rank, () -> body.accept(header));
    }

    /**
     * Reduce-scatter: in step s this rank adds the chunk rank-s-1 arriving from rank-1 to its own and
     * passes it on, so chunk c is summed in the fixed order c, c+1, ..., c-1 (mod N) and ends, complete,
     * at rank c-1, which divides it by N. All-gather: each owner's mean travels round the ring and is
     * copied, so every rank ends with the owner's bits. Only the elements in [from, to) take part, cut into chunks of
     * their own.
     */
    void allReduceMean(WorkBuffer work, OpHeader header, long from, long to) {
        Partition chunks = reduceSteps(work, header, true, from, to);
        for (int step = 0; step < size - 1; step++) {
            boolean forward = step < size - 2;
            for (Partition.Span piece : chunks.pieces(chunk(rank - step))) {
                reader.readData(receiveCodec.gatherTarget(work, piece), Operation.ALL_REDUCE);
                receiveCodec.finishGather(work, piece);
                if (forward) {
                    forward(work, piece);
                }
            }
        }
        sender.flush();   // the caller may overwrite the buffer as soon as this returns
    }

    /**
     * The reduce steps of {@link #allReduceMean} alone: chunk c ends, complete and divided by N, at rank
     * c-1 ({@link #ownedChunk}), which keeps it instead of starting the all-gather.
     */
    void reduceScatterMean(WorkBuffer work, OpHeader header, long from, long to) {
        reduceSteps(work, header, false, from, to);
        sender.flush();
    }

    /**
     * The reduce-scatter both operations share. With {@code intoGather} the owner sends its finished chunk
     * straight on, which is the all-gather's first step, so the two phases pipeline.
     */
    private Partition reduceSteps(WorkBuffer work, OpHeader header, boolean intoGather, long from, long to) {
        Partition chunks = Partition.window(work.length(), size, options.pieceValues(), from, to);
        receiveCodec.startWindow(from, to);
        sender.sendOpHeader(header);
        for (Partition.Span piece : chunks.pieces(rank)) {
            send(work, piece, sendCodec);
        }
        header.requireSame(reader.readOpHeader(header.op()), reader.peer(), self);
        for (int step = 0; step < size - 1; step++) {
            boolean owned = step == size - 2;
            for (Partition.Span piece : chunks.pieces(chunk(rank - step - 1))) {
                reader.readData(receiveCodec.slot(piece.length()), header.op());
                // The owner's sum is complete: the mean, rounded, since every rank hands out the owner's bits.
                receiveCodec.reduce(work, piece, owned ? size : 1, owned);
                if (!owned || intoGather) {
                    forward(work, piece);
                }
            }
        }
        return chunks;
    }

    /**
     * The all-gather steps of {@link #allReduceMean}, in exact float32 sent and received in place: each
     * owner's chunk travels round the ring and every rank copies it.
     */
    void allGather(WorkBuffer work, OpHeader header, long from, long to) {
        Partition chunks = Partition.window(work.length(), size, options.exactPieceValues(), from, to);
        sender.sendOpHeader(header);
        for (Partition.Span piece : chunks.pieces(ownedChunk(rank, size))) {
            sender.sendData(() -> work.bytes(piece), NOTHING);
        }
        header.requireSame(reader.readOpHeader(Operation.ALL_GATHER), reader.peer(), self);
        for (int step = 0; step < size - 1; step++) {
            boolean forward = step < size - 2;
            for (Partition.Span piece : chunks.pieces(chunk(rank - step))) {
                reader.readData(work.bytes(piece), Operation.ALL_GATHER);
                if (forward) {
                    sender.sendData(() -> work.bytes(piece), NOTHING);
                }
            }
        }
        sender.flush();
    }

    /**
     * {@link #allGather} in the wire format: the owner rounds its chunk to what the wire carries before sending it, and
     * each piece travels round the ring encoded, so every rank ends with the owner's (rounded) bits.
     */
    void allGatherInWireFormat(WorkBuffer work, OpHeader header, long from, long to) {
        Partition chunks = Partition.window(work.length(), size, options.pieceValues(), from, to);
        receiveCodec.startWindow(from, to);
        sender.sendOpHeader(header);
        for (Partition.Span piece : chunks.pieces(ownedChunk(rank, size))) {
            receiveCodec.roundAndStage(work, piece);   // the caller's codec: the sender's is busy on its own thread
            forward(work, piece);
        }
        header.requireSame(reader.readOpHeader(Operation.ALL_GATHER), reader.peer(), self);
        for (int step = 0; step < size - 1; step++) {
            boolean forward = step < size - 2;
            for (Partition.Span piece : chunks.pieces(chunk(rank - step))) {
                reader.readData(receiveCodec.gatherTarget(work, piece), Operation.ALL_GATHER);
                receiveCodec.finishGather(work, piece);
                if (forward) {
                    forward(work, piece);
                }
            }
        }
        sender.flush();
    }

    /** The chunk that rank {@code rank} finishes reducing: the one its successor started. */
    static int ownedChunk(int rank, int size) {
        return next(rank, size);
    }

    /**
     * The root's pieces travel round the ring as exact float32, sent and received in place; the rank
     * before the root then tells it everyone has them.
     */
    void broadcast(WorkBuffer work, OpHeader header) {
        int root = header.root();
        boolean nextIsRoot = next(rank, size) == root;
        List<Partition.Span> pieces = new Partition(work.length(), 1, options.exactPieceValues()).pieces(0);
        sender.sendOpHeader(header);
        if (rank == root) {
            for (Partition.Span piece : pieces) {
                sender.sendData(() -> work.bytes(piece), NOTHING);
            }
        }
        header.requireSame(reader.readOpHeader(Operation.BROADCAST), reader.peer(), self);
        if (rank == root) {
            reader.readData(ByteBuffer.allocate(0), Operation.BROADCAST);
        } else {
            for (Partition.Span piece : pieces) {
                reader.readData(work.bytes(piece), Operation.BROADCAST);
                if (!nextIsRoot) {
                    sender.sendData(() -> work.bytes(piece), NOTHING);
                }
            }
            if (nextIsRoot) {
                sender.sendToken();
            }
        }
        sender.flush();
    }

    /**
     * Round 0 passes each rank's operation header one hop; each later round passes a token one more hop
     * after the previous one arrived. After N-1 rounds every rank has heard, through its predecessors,
     * from every other rank.
     */
    void barrier(OpHeader header) {
        sender.sendOpHeader(header);
        header.requireSame(reader.readOpHeader(Operation.BARRIER), reader.peer(), self);
        for (int round = 1; round < size - 1; round++) {
            sender.sendToken();
            reader.readData(ByteBuffer.allocate(0), Operation.BARRIER);
        }
        sender.flush();
    }

    long bytesSent() {
        return toNext.bytesWritten() + fromPrev.bytesWritten();
    }

    long bytesReceived() {
        return toNext.bytesRead() + fromPrev.bytesRead();
    }

    int droppedConnections() {
        return acceptor.droppedConnections();
    }

    /** This rank gives up on its own failure: rank+1 hears {@code reason} (and passes it on) before the links close. */
    void abandon(String reason) {
        abandoned = true;
        sender.abort(reason);
    }

    /** Closes everything; after a failure the pending abort gets a moment to reach rank+1 first. */
    void close(boolean failed) {
        acceptor.close();
        sender.stop(failed || abandoned ? Math.min(options.timeoutMillis(), 1_000) : 0);
        toNext.close();
        fromPrev.close();
        sender.close();
    }

    private void send(WorkBuffer work, Partition.Span piece, WireCodec codec) {
        sender.sendData(() -> codec.encode(work, piece), NOTHING);
    }

    /** Passes {@code work[piece]} on: as the wire bytes this rank already holds for it, or encoded on the sender's thread. */
    private void forward(WorkBuffer work, Partition.Span piece) {
        ByteBuffer staged = receiveCodec.staged(piece);
        if (staged == null) {
            send(work, piece, sendCodec);
        } else {
            sender.sendData(() -> staged, NOTHING);
        }
    }

    private int chunk(int i) {
        return Math.floorMod(i, size);
    }

    private static int next(int rank, int size) {
        return (rank + 1) % size;
    }
}
