package io.spindle.worker.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The default transport: each rank sends to rank+1 and receives from rank-1 over TCP. All-reduce is a
 * reduce-scatter then an all-gather over N chunks, each cut into pieces that are pipelined, so every
 * rank sends about 2(N-1)/N of the buffer per call whatever N is.
 */
public final class RingAllReduce implements Collective {

    /** A rank's listening socket, opened before the ranks exchange addresses; {@link #connect} takes it over. */
    public static final class Endpoint implements AutoCloseable {
        private final int rank;
        private final ServerSocketChannel server;
        private final HostPort address;

        private Endpoint(int rank, ServerSocketChannel server, HostPort address) {
            this.rank = rank;
            this.server = server;
            this.address = address;
        }

        public int rank() {
            return rank;
        }

        /** "host:port" for the other ranks to dial. */
        public String address() {
            return address.toString();
        }

        /** Closes the socket if {@link #connect} never took it over. */
        @Override
        public void close() {
            TimedSocket.closeQuietly(server);
        }
    }

    private final int rank;
    private final int size;
    private final CollectiveOptions options;
    private final RingLinks links;     // null when size == 1: a ring of one needs no sockets
    private final CallSequence calls = new CallSequence();

    private RingAllReduce(int rank, int size, CollectiveOptions options, RingLinks links) {
        this.rank = rank;
        this.size = size;
        this.options = options;
        this.links = links;
    }

    /**
     * Opens this rank's listening socket on an ephemeral port of {@code bindAddress}. Bind to the address
     * the other executors can reach; a wildcard address advertises {@code InetAddress.getLocalHost()}.
     */
    public static Endpoint listen(int rank, InetAddress bindAddress) {
        if (rank < 0) {
            throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        }
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            try {
                TimedSocket.sizeBuffers(server);
                server.bind(new InetSocketAddress(bindAddress, 0), 64);
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                return new Endpoint(rank, server, HostPort.advertised(bindAddress, port));
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + " could not listen on " + bindAddress, e);
        }
    }

    /**
     * Forms the ring: dials rank+1, admits rank-1 (dropping anything else that calls), and returns when
     * both links stand. {@code addressesByRank.get(r)} is rank r's {@link Endpoint#address()}.
     *
     * @throws CollectiveException if a neighbour cannot be reached or does not call within the timeout
     */
    public static RingAllReduce connect(Endpoint self, List<String> addressesByRank, CollectiveOptions options) {
        int size = addressesByRank.size();
        if (self.rank >= size) {
            throw new IllegalArgumentException("rank " + self.rank + " is outside a ring of " + size);
        }
        List<HostPort> addresses = new ArrayList<>(size);
        for (int r = 0; r < size; r++) {
            try {
                addresses.add(HostPort.parse(addressesByRank.get(r)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("address of rank " + r + ": " + e.getMessage(), e);
            }
        }
        if (!addresses.get(self.rank).equals(self.address)) {
            throw new IllegalArgumentException("addressesByRank[" + self.rank + "] is " + addresses.get(self.rank)
                    + " but this rank listens on " + self.address);
        }
        if (size == 1) {
            self.close();
            return new RingAllReduce(0, 1, options, null);
        }
        return new RingAllReduce(self.rank, size, options, RingLinks.open(self.rank, self.server, addresses, options));
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduceMean(INDArray buffer) {
        allReduceMean(buffer, 0, buffer.length());
    }

    @Override
    public void allReduceMean(INDArray buffer, long from, long to) {
        windowed(Operation.ALL_REDUCE, options.wireFormat(), options.pieceValues(), buffer, from, to,
                (work, header) -> links.allReduceMean(work, header, from, to));
    }

    @Override
    public Shard shardOf(long from, long to) {
        return Partition.window(to, size, 1, from, to).chunk(RingLinks.ownedChunk(rank, size));
    }

    @Override
    public void reduceScatterMean(INDArray buffer) {
        reduceScatterMean(buffer, 0, buffer.length());
    }

    @Override
    public void reduceScatterMean(INDArray buffer, long from, long to) {
        windowed(Operation.REDUCE_SCATTER, options.wireFormat(), options.pieceValues(), buffer, from, to,
                (work, header) -> links.reduceScatterMean(work, header, from, to));
    }

    @Override
    public void allGather(INDArray buffer) {
        allGather(buffer, 0, buffer.length());
    }

    @Override
    public void allGather(INDArray buffer, long from, long to) {
        windowed(Operation.ALL_GATHER, WireFormat.FLOAT32, options.exactPieceValues(), buffer, from, to,
                (work, header) -> links.allGather(work, header, from, to));
    }

    @Override
    public void allGatherInWireFormat(INDArray buffer, long from, long to) {
        if (!roundsOnTheWire()) {
            allGather(buffer, from, to);
            return;
        }
        windowed(Operation.ALL_GATHER, options.wireFormat(), options.pieceValues(), buffer, from, to,
                (work, header) -> links.allGatherInWireFormat(work, header, from, to));
    }

    @Override
    public boolean roundsOnTheWire() {
        return options.wireFormat() != WireFormat.FLOAT32;
    }

    @Override
    public void broadcast(INDArray buffer, int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("root must be in [0, " + size + "), got " + root);
        }
        WorkBuffer work = WorkBuffer.of(buffer);
        run(Operation.BROADCAST, WireFormat.FLOAT32, work.length(), root, options.exactPieceValues(), header -> links.broadcast(work, header));
        work.writeBack();
    }

    @Override
    public void barrier() {
        run(Operation.BARRIER, WireFormat.FLOAT32, 0, -1, 0, links == null ? null : links::barrier);
    }

    /** Bytes this rank has written to its neighbours so far, framing and handshakes included. */
    public long bytesSent() {
        return links == null ? 0 : links.bytesSent();
    }

    /** Bytes this rank has read from its neighbours so far, framing and handshakes included. */
    public long bytesReceived() {
        return links == null ? 0 : links.bytesReceived();
    }

    /** The thread whose call is in flight on this rank, or null between calls. */
    Thread callInFlight() {
        return calls.inFlight();
    }

    /** How many strangers' connections this rank's listening socket has dropped. */
    int droppedConnections() {
        return links == null ? 0 : links.droppedConnections();
    }

    @Override
    public String toString() {
        return "ring (" + size + " ranks)";
    }

    @Override
    public void abandon(String reason) {
        if (links != null) links.abandon(reason);
    }

    @Override
    public void close() {
        if (calls.close() && links != null) {
            links.close(calls.hasFailed());
        }
    }

    /** An operation on {@code buffer[from, to)}, staged through a {@link WorkBuffer} (none on a ring of one). */
    private void windowed(Operation op, WireFormat format, int pieceValues, INDArray buffer, long from, long to,
                          BiConsumer<WorkBuffer, OpHeader> body) {
        Collective.requireWindow(buffer.length(), from, to);
        if (links == null) {
            // The mean over one rank is the buffer itself: no staging copy.
            run(op, format, to - from, -1, pieceValues, header -> { });
            return;
        }
        WorkBuffer work = WorkBuffer.of(buffer);
        run(op, format, to - from, -1, pieceValues, header -> body.accept(work, header));
        work.writeBack();
    }

    private void run(Operation op, WireFormat format, long count, int root, int pieceValues,
                     Consumer<OpHeader> body) {
        // Two threads' calls would interleave their frames on the same sockets and the ranks would disagree on the
        // call numbers, a failure that surfaces far from its cause: refuse the second caller here instead.
        calls.enter(op);
        try {
            OpHeader header = calls.next(op, format, count, root, pieceValues);
            if (links == null) {
                return;   // the mean over one rank is the buffer itself
            }
            try {
                links.run(header, body);
            } catch (CollectiveException e) {
                calls.failed(e);
                throw e;
            }
        } finally {
            calls.exit();
        }
    }
}
