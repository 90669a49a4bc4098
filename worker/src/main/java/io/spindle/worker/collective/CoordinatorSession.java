package io.spindle.worker.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The coordinator's work, on its own thread: wait for all ranks, then serve their operations one at a
 * time. For all-reduce it reads each piece from ranks 0..N-1 in order, sums in that order (so the result
 * is deterministic), divides by N and sends the same bytes to everyone. Any failure is sent to every
 * rank as an abort naming the culprit, and ends the session.
 */
final class CoordinatorSession implements Runnable {

    private static final int PIECES_IN_FLIGHT = 8;   // bounds the driver memory held by slow senders

    private final int size;
    private final CollectiveOptions options;
    private final HandshakeAcceptor acceptor;
    private final TimedSocket[] sockets;
    private final FrameReader[] readers;
    private final FrameSender[] senders;
    private final Selector activity;
    private final WireCodec codec;
    private final WorkBuffer sum;
    private final Semaphore inFlight = new Semaphore(PIECES_IN_FLIGHT);
    private int departed;
    private int sequence;
    private volatile CollectiveException failure;
    private volatile boolean closed;

    CoordinatorSession(int size, CollectiveOptions options, HandshakeAcceptor acceptor) throws IOException {
        this.size = size;
        this.options = options;
        this.acceptor = acceptor;
        this.sockets = new TimedSocket[size];
        this.readers = new FrameReader[size];
        this.senders = new FrameSender[size];
        this.activity = Selector.open();
        this.codec = new WireCodec(options.wireFormat(), options.pieceValues());
        this.sum = WorkBuffer.of(Nd4j.createUninitialized(DataType.FLOAT, options.pieceValues()));
    }

    @Override
    public void run() {
        try {
            connectAll();
            while (!closed && departed < size) {
                serveOneOperation();
            }
        } catch (CollectiveException e) {
            if (!closed) {
                fail(e);
            }
        } finally {
            shutDown(Math.min(options.timeoutMillis(), 1_000));
        }
    }

    /** The failure that ended the session, or null. */
    CollectiveException failure() {
        return failure;
    }

    void close() {
        closed = true;
        activity.wakeup();
        for (TimedSocket socket : sockets) {
            if (socket != null) {
                socket.interruptReads(new CollectiveException("the coordinator was closed"));
            }
        }
    }

    /**
     * Waits for every rank, the clock starting when the first one connects (executors may take long to
     * start). Ranks already connected may be waiting in their first call: they get keep-alives meanwhile,
     * so that only the missing rank is blamed.
     */
    private void connectAll() {
        acceptor.awaitAny();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
        int connected = 0;
        while (true) {
            for (int r = 0; r < size; r++) {
                TimedSocket socket = sockets[r] == null ? acceptor.poll(r) : null;
                if (socket != null) {
                    admit(r, socket);
                    senders[r].begin(Operation.IDLE);
                    connected++;
                }
            }
            if (connected == size) {
                break;
            }
            if (closed) {
                throw new CollectiveException("the coordinator was closed");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CollectiveException(missing() + " did not connect within "
                        + PeerFailures.seconds(options.timeoutMillis()) + acceptor.dropSummary());
            }
            pause(10);
        }
        for (FrameSender sender : senders) {
            sender.end();
        }
    }

    private void admit(int r, TimedSocket socket) {
        String peer = "rank " + r + " (" + socket.remoteAddress() + ")";
        sockets[r] = socket;
        readers[r] = new FrameReader(socket, peer, options.timeoutMillis());
        senders[r] = FrameSender.start(socket, peer, options.timeoutMillis(), "spindle-coordinator-to-r" + r,
                true, this::onSendFailure);
        try {
            socket.watchReads(activity, r);
        } catch (IOException e) {
            throw new CollectiveException("could not watch " + peer + ": " + e, e);
        }
    }

    private String missing() {
        List<String> ranks = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (sockets[r] == null) {
                ranks.add(String.valueOf(r));
            }
        }
        return (ranks.size() == 1 ? "rank " : "ranks ") + String.join(", ", ranks);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("the coordinator was interrupted");
        }
    }

    private void serveOneOperation() {
        SelectionKey key = awaitFirstCaller();
        int first = (Integer) key.attachment();
        OpHeader lead = readers[first].readOpHeaderOrEnd();
        if (lead == null) {
            // Between operations a closed connection is a rank that has finished; if it had died instead,
            // the others learn at their next call, when reading its header fails.
            key.cancel();
            departed++;
            return;
        }
        for (FrameSender sender : senders) {
            sender.begin(lead.op());   // ranks waiting on us now get keep-alives while we wait on the others
        }
        OpHeader expected = new OpHeader(lead.op(), formatFor(lead.op()), ++sequence, lead.count(), lead.root(),
                pieceValuesFor(lead.op()));
        expected.requireSame(lead, readers[first].peer(), "the coordinator");   // same options as the ranks?
        for (int r = 0; r < size; r++) {
            if (r != first) {
                lead.requireSame(readers[r].readOpHeader(lead.op()), readers[r].peer(), readers[first].peer());
            }
        }
        switch (lead.op()) {
            case ALL_REDUCE -> allReduceMean(lead);
            case BROADCAST -> broadcast(lead);
            default -> List.of(senders).forEach(FrameSender::sendToken);
        }
        for (FrameSender sender : senders) {
            sender.end();
        }
    }

    private WireFormat formatFor(Operation op) {
        return op == Operation.ALL_REDUCE ? options.wireFormat() : WireFormat.FLOAT32;
    }

    private int pieceValuesFor(Operation op) {
        return switch (op) {
            case ALL_REDUCE -> options.pieceValues();
            case BROADCAST -> options.exactPieceValues();
            default -> 0;
        };
    }

    private void allReduceMean(OpHeader header) {
        for (Partition.Span piece : new Partition(header.count(), 1, options.pieceValues()).pieces(0)) {
            Partition.Span local = new Partition.Span(0, piece.length());
            readers[0].readData(codec.copyTarget(sum, local), Operation.ALL_REDUCE);
            codec.finishCopy(sum, local);
            for (int r = 1; r < size; r++) {
                readers[r].readData(codec.slot(piece.length()), Operation.ALL_REDUCE);
                codec.addInto(sum, local, r == size - 1 ? size : 1);   // the last rank's piece completes the sum
            }
            ByteBuffer encoded = codec.encode(sum, local);
            distribute(ByteBuffer.allocate(encoded.remaining()).put(encoded).flip(), -1);
        }
    }

    private void broadcast(OpHeader header) {
        int root = header.root();
        for (Partition.Span piece : new Partition(header.count(), 1, options.exactPieceValues()).pieces(0)) {
            ByteBuffer bytes = ByteBuffer.allocate(piece.length() * WireFormat.FLOAT32.bytesPerValue);
            readers[root].readData(bytes, Operation.BROADCAST);
            distribute(bytes.flip(), root);
        }
        senders[root].sendToken();   // the root returns once everyone's copy is on its way
    }

    /** Queues {@code bytes} for every rank but {@code except}; blocks while too many pieces are still queued. */
    private void distribute(ByteBuffer bytes, int except) {
        int targets = except < 0 ? size : size - 1;
        if (targets == 0) {
            return;   // a broadcast among one rank
        }
        acquirePermit();
        AtomicInteger left = new AtomicInteger(targets);
        Runnable done = () -> {
            if (left.decrementAndGet() == 0) {
                inFlight.release();
            }
        };
        for (int r = 0; r < size; r++) {
            if (r != except) {
                senders[r].sendData(bytes::duplicate, done);
            }
        }
    }

    private void acquirePermit() {
        try {
            // Senders finish or fail every piece within the timeout, so a permit always comes back.
            while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (failure != null || closed) {
                    throw failure != null ? failure : new CollectiveException("the coordinator was closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("the coordinator was interrupted");
        }
    }

    /** Blocks, with no time limit, until some rank sends something (its next operation, or EOF). */
    private SelectionKey awaitFirstCaller() {
        while (true) {
            if (closed) {
                throw new CollectiveException("the coordinator was closed");
            }
            if (failure != null) {
                throw failure;
            }
            try {
                activity.select();
            } catch (IOException e) {
                throw new CollectiveException("the coordinator could not wait for ranks: " + e, e);
            }
            for (SelectionKey key : activity.selectedKeys()) {
                activity.selectedKeys().clear();
                return key;
            }
        }
    }

    private void onSendFailure(CollectiveException e) {
        if (failure == null) {
            failure = e;
        }
        activity.wakeup();
        for (TimedSocket socket : sockets) {
            if (socket != null) {
                socket.interruptReads(e);   // wakes the session thread wherever it is reading
            }
        }
    }

    private void fail(CollectiveException e) {
        if (failure == null) {
            failure = e;
        }
        for (FrameSender sender : senders) {
            if (sender != null) {
                sender.abort(failure.rootCause());
            }
        }
    }

    private void shutDown(long graceMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        for (FrameSender sender : senders) {
            if (sender != null) {
                sender.stop(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        for (TimedSocket socket : sockets) {
            TimedSocket.closeQuietly(socket);
        }
        for (FrameSender sender : senders) {
            TimedSocket.closeQuietly(sender);
        }
        TimedSocket.closeQuietly(activity);
    }
}
