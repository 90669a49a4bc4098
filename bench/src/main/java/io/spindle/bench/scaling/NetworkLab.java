package io.spindle.bench.scaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The emulated network: one namespace per worker, each with a veth pair into a bridge that lives in a hub
 * namespace of the lab's own, every link shaped with a tc HTB class in both directions. Nothing is created in
 * the host's namespace, so deleting the lab's namespaces removes every veth, the bridge and every qdisc.
 * Addresses are 10.77.0.10 upwards, private to these namespaces. A link carries what a real Ethernet port of its rate
 * and MTU carries: each class is shaped to the rate at which HTB's count of a full frame (from its Ethernet header)
 * takes the time the port needs for it with its FCS, preamble and inter-frame gap ({@link EthernetFraming#htbGbit}).
 */
public final class NetworkLab implements AutoCloseable {
    private static final long COMMAND_SECONDS = 20;

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private Thread hook;

    private NetworkLab(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Builds the network for {@code workers} workers with {@code link}'s rate, MTU and burst, or
     * throws {@link Unavailable} naming what is missing. {@code prefix} names every namespace (keep it unique to this run).
     */
    public static NetworkLab create(String prefix, int workers, LabConfig link) {
        if (!prefix.matches("[a-z][a-z0-9]{1,9}")) {
            throw new IllegalArgumentException("prefix must be 2-10 lower-case letters or digits, got '" + prefix + "'");
        }
        NetworkLab lab = new NetworkLab(prefix);
        // A kill or Ctrl-C skips try-with-resources; the hook still deletes the namespaces.
        Thread hook = new Thread(lab::close, "lab-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        lab.hook = hook;
        try {
            String hub = lab.namespace("h");
            String mtu = String.valueOf(link.mtu());
            lab.run("ip", "-n", hub, "link", "add", "br0", "mtu", mtu, "type", "bridge");
            lab.run("ip", "-n", hub, "link", "set", "br0", "up");
            List<String> shaping = shaping(link);
            for (int w = 0; w < workers; w++) {
                String ns = lab.namespace("w" + w), port = "v" + w;
                lab.run("ip", "-n", hub, "link", "add", port, "mtu", mtu, "type", "veth", "peer", "name", "eth0", "mtu", mtu, "netns", ns);
                lab.run("ip", "-n", hub, "link", "set", port, "master", "br0", "up");
                lab.run("ip", "-n", ns, "addr", "add", address(w) + "/24", "dev", "eth0");
                lab.run("ip", "-n", ns, "link", "set", "eth0", "up");
                lab.run("ip", "-n", ns, "link", "set", "lo", "up");
                lab.shape(ns, "eth0", shaping);   // the worker's uplink
                lab.shape(hub, port, shaping);    // its downlink
            }
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Worker {@code w}'s address inside its namespace. */
    public static String address(int w) {
        return "10.77.0." + (10 + w);
    }

    /** The namespace worker {@code w} runs in. */
    public String workerNamespace(int w) {
        return prefix + "w" + w;
    }

    private synchronized String namespace(String suffix) {
        String ns = prefix + suffix;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        return ns;
    }

    /** The HTB class's rate, ceiling and, where {@code link} sets one, the burst of both, as tc's arguments. */
    static List<String> shaping(LabConfig link) {
        EthernetFraming framing = link.framing();
        double bitsPerSecond = framing.htbGbit(link.linkGbit()) * 1e9;
        String rate = String.format(Locale.ROOT, "%dbit", Math.round(bitsPerSecond));
        List<String> args = new ArrayList<>(List.of("rate", rate, "ceil", rate));
        if (link.burstUs() > 0) {
            long bytes = Math.max(framing.countedBytes(), Math.round(bitsPerSecond / 8 * link.burstUs() * 1e-6));
            args.addAll(List.of("burst", bytes + "b", "cburst", bytes + "b"));
        }
        return args;
    }

    private void shape(String ns, String dev, List<String> shaping) {
        run("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "10");
        List<String> command = new ArrayList<>(List.of("tc", "-n", ns, "class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb"));
        command.addAll(shaping);
        exec(command);
    }

    /** Deletes every namespace this lab made, and with them its veths, bridge and qdiscs. */
    @Override
    public synchronized void close() {
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or will: deleting twice is harmless
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", namespaces.get(i));
            } catch (RuntimeException e) {
                System.err.println("scaling: could not delete namespace " + namespaces.get(i) + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    /** Thrown when the host cannot build the network (no root, no iproute2, no namespaces or no HTB). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    private void run(String... command) {
        exec(List.of(command));
    }

    static String exec(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new Unavailable("cannot run '" + command.get(0) + "' (" + e.getMessage() + ")");
        }
        try {
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Unavailable("'" + String.join(" ", command) + "' did not finish in " + COMMAND_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new Unavailable("'" + String.join(" ", command) + "' failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted running '" + String.join(" ", command) + "'");
        } catch (IOException e) {
            throw new Unavailable("cannot read '" + command.get(0) + "' output (" + e.getMessage() + ")");
        }
    }
}
