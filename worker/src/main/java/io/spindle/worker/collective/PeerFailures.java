package io.spindle.worker.collective;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/** Turns a socket failure into the CollectiveException users read: who, what happened, during what. */
final class PeerFailures {

    private PeerFailures() {
    }

    static CollectiveException reading(IOException e, String peer, Operation op, long timeoutMillis) {
        if (e instanceof SocketTimeoutException) {
            return new CollectiveException("no data from " + peer + " for " + seconds(timeoutMillis) + " "
                    + op.during());
        }
        return common(e, peer, op);
    }

    static CollectiveException writing(IOException e, String peer, Operation op, long timeoutMillis) {
        if (e instanceof SocketTimeoutException) {
            return new CollectiveException(peer + " accepted no data for " + seconds(timeoutMillis) + " "
                    + op.during());
        }
        return common(e, peer, op);
    }

    private static CollectiveException common(IOException e, String peer, Operation op) {
        if (e instanceof EOFException) {
            return new CollectiveException(peer + " closed the connection " + op.during());
        }
        if (e instanceof ClosedChannelException) {
            return new CollectiveException("this rank's collective was closed " + op.during()
                    + " (connection to " + peer + ")", e);
        }
        return new CollectiveException("connection to " + peer + " failed " + op.during() + ": " + e.getMessage(), e);
    }

    /** "60 s", "1.5 s". */
    static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
