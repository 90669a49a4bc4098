package io.spindle.worker.collective;

/** A collective operation failed; the message names the peer (rank and host:port) and what happened. */
public class CollectiveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CollectiveException(String message) {
        super(message);
    }

    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What to pass on to ranks further along: the first failure's own words, never an "X aborted: ..." chain. */
    String rootCause() {
        return getMessage();
    }
}
