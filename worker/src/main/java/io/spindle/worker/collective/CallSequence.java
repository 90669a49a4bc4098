package io.spindle.worker.collective;

/** Numbers one rank's calls and remembers what ended them: a collective that failed once stays failed. */
final class CallSequence {

    private int last;
    private CollectiveException failure;
    private volatile boolean closed;

    /** The header for this rank's next call; throws if the collective is closed or failed earlier. */
    OpHeader next(Operation op, WireFormat format, long count, int root, int pieceValues) {
        if (closed) {
            throw new CollectiveException("this rank's collective is closed");
        }
        if (failure != null) {
            throw new CollectiveException("the collective failed earlier and cannot be used: " + failure.getMessage(),
                    failure);
        }
        return new OpHeader(op, format, ++last, count, root, pieceValues);
    }

    void failed(CollectiveException e) {
        if (failure == null) {
            failure = e;
        }
    }

    boolean hasFailed() {
        return failure != null;
    }

    /** Marks the collective closed; true the first time only. */
    synchronized boolean close() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }
}
