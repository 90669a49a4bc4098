package io.spindle.worker.collective;

/** A peer told this rank to give up, passing on the failure it saw (or was told about) first. */
final class RemoteAbortException extends CollectiveException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    RemoteAbortException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    @Override
    String rootCause() {
        return reason;
    }
}
