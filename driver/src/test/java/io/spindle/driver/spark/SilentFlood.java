package io.spindle.driver.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stranger on the driver's network: keeps {@code count} silent TCP connections open to a port, opening a
 * new one whenever the server cuts one, until closed (the probe of issue 21, on real sockets).
 */
final class SilentFlood implements AutoCloseable {
    private final String host;
    private final int port;
    private final List<Socket> open = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int opened;

    SilentFlood(String hostPort, int count) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        this.host = hostPort.substring(0, colon);
        this.port = Integer.parseInt(hostPort.substring(colon + 1));
        for (int i = 0; i < count; i++) open.add(connect());
        this.thread = new Thread(this::keepUp, "silent-flood");
        thread.setDaemon(true);
        thread.start();
    }

    /** Connections opened so far, replacements included. */
    int opened() {
        return opened;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 2_000);
        s.setSoTimeout(1);
        opened++;
        return s;
    }

    private void keepUp() {
        while (!closed) {
            synchronized (open) {
                for (int i = 0; i < open.size() && !closed; i++) {
                    if (isCut(open.get(i))) {
                        try {
                            open.get(i).close();
                            open.set(i, connect());
                        } catch (IOException e) {
                            // the server is gone: nothing left to flood
                            return;
                        }
                    }
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean isCut(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(5_000);
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
