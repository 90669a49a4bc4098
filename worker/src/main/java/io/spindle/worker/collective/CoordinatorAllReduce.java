package io.spindle.worker.collective;

import java.nio.ByteBuffer;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One rank of the star transport: sends its buffer to the {@link CoordinatorServer} and receives the
 * mean (the same bytes every rank receives). Each rank sends and receives the whole buffer per call, and
 * the driver carries N times that, so prefer {@link RingAllReduce} wherever executors can reach each other.
 */
public final class CoordinatorAllReduce implements Collective {

    private static final Runnable NOTHING = () -> { };

    private final int rank;
    private final int size;
    private final CollectiveOptions options;
    private final TimedSocket socket;
    private final FrameSender sender;
    private final FrameReader reader;
    private final WireCodec outgoing;   // used on the sender thread only
    private final WireCodec incoming;
    private final CallSequence calls = new CallSequence();

    private CoordinatorAllReduce(int rank, int size, CollectiveOptions options, TimedSocket socket, String peer) {
        this.rank = rank;
        this.size = size;
        this.options = options;
        this.socket = socket;
        this.reader = new FrameReader(socket, peer, options.timeoutMillis());
        this.outgoing = new WireCodec(options.wireFormat(), options.pieceValues());
        this.incoming = new WireCodec(options.wireFormat(), options.pieceValues());
        // A rank sends its whole part up front, so it never waits on anyone before sending: no keep-alives.
        this.sender = FrameSender.start(socket, peer, options.timeoutMillis(),
                "spindle-rank" + rank + "-to-coordinator", false, socket::interruptReads);
    }

    /** Connects and handshakes as {@code rank} of {@code size} with the coordinator at {@code serverAddress}. */
    public static CoordinatorAllReduce connect(String serverAddress, int rank, int size, CollectiveOptions options) {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank must be in [0, size) and size >= 1, got rank " + rank
                    + " of " + size);
        }
        HostPort server = HostPort.parse(serverAddress);
        String peer = "coordinator (" + server + ")";
        Handshake handshake = new Handshake(Handshake.COORDINATOR_MAGIC, options.secret(), size);
        TimedSocket socket = handshake.connect(server, rank, -1, peer, options.timeoutMillis(), options.handshakeTimeoutMillis());
        return new CoordinatorAllReduce(rank, size, options, socket, peer);
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
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = calls.next(Operation.ALL_REDUCE, options.wireFormat(), work.length(), -1,
                options.pieceValues());
        List<Partition.Span> pieces = new Partition(work.length(), 1, options.pieceValues()).pieces(0);
        run(header, () -> {
            sender.sendOpHeader(header);
            for (Partition.Span piece : pieces) {
                sender.sendData(() -> outgoing.encode(work, piece), NOTHING);
            }
            for (Partition.Span piece : pieces) {
                reader.readData(incoming.copyTarget(work, piece), Operation.ALL_REDUCE);
                incoming.finishCopy(work, piece);
            }
            sender.flush();
        });
        work.writeBack();
    }

    @Override
    public void broadcast(INDArray buffer, int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("root must be in [0, " + size + "), got " + root);
        }
        WorkBuffer work = WorkBuffer.of(buffer);
        OpHeader header = calls.next(Operation.BROADCAST, WireFormat.FLOAT32, work.length(), root,
                options.exactPieceValues());
        List<Partition.Span> pieces = new Partition(work.length(), 1, options.exactPieceValues()).pieces(0);
        run(header, () -> {
            sender.sendOpHeader(header);
            if (rank == root) {
                for (Partition.Span piece : pieces) {
                    sender.sendData(() -> work.bytes(piece), NOTHING);
                }
                reader.readData(ByteBuffer.allocate(0), Operation.BROADCAST);
            } else {
                for (Partition.Span piece : pieces) {
                    reader.readData(work.bytes(piece), Operation.BROADCAST);   // exact float32, in place
                }
            }
            sender.flush();
        });
        work.writeBack();
    }

    @Override
    public void barrier() {
        OpHeader header = calls.next(Operation.BARRIER, WireFormat.FLOAT32, 0, -1, 0);
        run(header, () -> {
            sender.sendOpHeader(header);
            reader.readData(ByteBuffer.allocate(0), Operation.BARRIER);
            sender.flush();
        });
    }

    /** Bytes this rank has written to the coordinator so far, framing and handshake included. */
    public long bytesSent() {
        return socket.bytesWritten();
    }

    /** Bytes this rank has read from the coordinator so far, framing and handshake included. */
    public long bytesReceived() {
        return socket.bytesRead();
    }

    @Override
    public String toString() {
        return "coordinator (" + size() + " ranks through the driver)";
    }

    @Override
    public void close() {
        if (calls.close()) {
            sender.stop(calls.hasFailed() ? Math.min(options.timeoutMillis(), 1_000) : 0);
            socket.close();
            sender.close();
        }
    }

    private void run(OpHeader header, Runnable body) {
        try {
            sender.guard(header.op(), rank, body);
        } catch (CollectiveException e) {
            calls.failed(e);
            throw e;
        }
    }
}
