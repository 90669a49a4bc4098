package io.spindle.worker.collective;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** A "host:port" address as ranks exchange them ("[v6]:port" for IPv6 literals). */
record HostPort(String host, int port) {

    static HostPort parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535] in '" + text + "'");
        }
        return new HostPort(host, port);
    }

    /** The address peers should dial to reach a socket bound to {@code bound} (a wildcard means this host). */
    static HostPort advertised(InetAddress bound, int port) throws UnknownHostException {
        InetAddress host = bound.isAnyLocalAddress() ? InetAddress.getLocalHost() : bound;
        return new HostPort(host.getHostAddress(), port);
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
