package io.spindle.bench.scaling;

import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.RingAllReduce;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One lab worker, started by {@link ScalingLab} inside its own network namespace: it joins the real TCP ring and
 * runs every mode's steps over the synthetic model. Protocol on stdin/stdout: it prints {@code ADDR host:port},
 * reads {@code PEERS a,b,...} and {@code SECRET hex}, then prints one {@code RESULT} line per mode. It exits
 * when its stdin closes, so it never outlives the lab.
 */
public final class ScalingWorker {

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        InetAddress bind = InetAddress.getByName(args[1]);
        LabConfig config = LabConfig.parse(Arrays.asList(args).subList(2, args.length));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        byte[] secret = HexFormat.of().parseHex(field(in, "SECRET"));
        watchStdin(in);
        CollectiveOptions base = CollectiveOptions.defaults(secret);
        SyntheticModel model = SyntheticModel.of(config);
        for (LabMode mode : config.modes()) {
            // A fresh ring per mode (the wire format is a ring option); the lab relays the new addresses.
            RingAllReduce.Endpoint self = RingAllReduce.listen(rank, bind);
            System.out.println("ADDR " + self.address());
            System.out.flush();
            List<String> peers = Arrays.asList(nextPeers().split(","));
            try (RingAllReduce ring = RingAllReduce.connect(self, peers, base.withWireFormat(mode.wire))) {
                System.out.println(measure(mode, ring, model, config));
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static String measure(LabMode mode, RingAllReduce ring, SyntheticModel model, LabConfig config)
            throws InterruptedException {
        INDArray flat = Nd4j.rand(DataType.FLOAT, model.parameters()).subi(0.5);
        List<INDArray> buckets = new ArrayList<>();
        for (SyntheticModel.Bucket b : model.buckets()) {
            buckets.add(Nd4j.rand(DataType.FLOAT, b.length()).subi(0.5));
        }
        try (GradientSync sync = mode.overlapped ? new OverlapPrototypeSync(ring, buckets) : new SerialSync(ring, flat)) {
            ring.barrier();
            for (int s = 0; s < config.warmupSteps(); s++) {
                step(model, sync);
            }
            ring.barrier();
            long cpu0 = processCpuNanos(), bytes0 = ring.bytesSent(), t0 = System.nanoTime();
            for (int s = 0; s < config.steps(); s++) {
                step(model, sync);
            }
            long wall = System.nanoTime() - t0, cpu = processCpuNanos() - cpu0, bytes = ring.bytesSent() - bytes0;
            int n = config.steps();
            return String.format(Locale.ROOT, "RESULT %s %.3f %.5f %d", mode.label, wall / 1e6 / n, cpu / 1e9 / n, bytes / n);
        }
    }

    private static void step(SyntheticModel model, GradientSync sync) throws InterruptedException {
        model.runStep(sync::bucketReady);
        sync.finish();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static final java.util.concurrent.BlockingQueue<String> LINES = new java.util.concurrent.LinkedBlockingQueue<>();

    /** Relays later PEERS lines to the main thread, and ends the worker when the lab closes its stdin. */
    private static void watchStdin(BufferedReader in) {
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    LINES.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the lab has gone: exit below
            }
            System.err.println("lab closed stdin: worker exits");
            Runtime.getRuntime().halt(3);
        }, "lab-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static String nextPeers() throws InterruptedException {
        String line = LINES.poll(120, java.util.concurrent.TimeUnit.SECONDS);
        if (line == null || !line.startsWith("PEERS ")) {
            throw new IllegalStateException("expected PEERS from the lab, got " + line);
        }
        return line.substring(6);
    }

    private static String field(BufferedReader in, String name) throws java.io.IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(name + " ")) {
            throw new IllegalStateException("expected " + name + " from the lab, got " + line);
        }
        return line.substring(name.length() + 1);
    }
}
