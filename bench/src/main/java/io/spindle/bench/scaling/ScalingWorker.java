package io.spindle.bench.scaling;

import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.ExecutorGroups;
import io.spindle.worker.collective.HierarchicalCollective;
import io.spindle.worker.collective.InJvmCollective;
import io.spindle.worker.collective.RingAllReduce;
import io.spindle.worker.SyncMode;
import io.spindle.worker.SyncPlan;
import io.spindle.worker.sync.SyncChoice;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One lab host, started by {@link ScalingLab} inside its own network namespace: it joins the real TCP ring and
 * runs every mode's steps over the synthetic model, as one worker, or as {@code slots} workers (threads) that reduce
 * hierarchically: in memory among themselves, then over the ring of the hosts' leaders, as a multi-slot executor does.
 * Protocol on stdin/stdout: it prints {@code ADDR host:port}, reads {@code PEERS a,b,...} and {@code SECRET hex},
 * then prints one {@code RESULT} line per mode. It exits when its stdin closes, so it never outlives the lab.
 */
public final class ScalingWorker {

    public static void main(String[] args) throws Exception {
        int host = Integer.parseInt(args[0]);
        InetAddress bind = InetAddress.getByName(args[1]);
        LabConfig config = LabConfig.parse(Arrays.asList(args).subList(2, args.length));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        byte[] secret = HexFormat.of().parseHex(field(in, "SECRET"));
        watchStdin(in);
        CollectiveOptions base = CollectiveOptions.defaults(secret).withChunkBytes(config.pieceBytes());
        SyntheticModel model = SyntheticModel.of(config);
        for (LabMode mode : config.modes()) {
            // A fresh ring per mode (the wire format is a ring option); the lab relays the new addresses.
            RingAllReduce.Endpoint self = RingAllReduce.listen(host, bind);
            System.out.println("ADDR " + self.address());
            System.out.flush();
            List<String> peers = Arrays.asList(nextPeers().split(","));
            CollectiveOptions options = base.withWireFormat(mode.wire);
            try (RingAllReduce ring = RingAllReduce.connect(self, peers, options)) {
                Result r = config.slots() == 1 ? measure(mode, ring, model, config)
                        : measureSlots(mode, host, peers.size(), ring, options, model, config);
                System.out.printf(Locale.ROOT, "RESULT %s %.3f %.5f %d%n", mode.label, r.stepMs, r.cpuSecondsPerRank, r.bytesPerRank);
                System.out.flush();
            }
        }
        System.exit(0);
    }

    /** One worker's mean step, and per worker and step its CPU seconds and the bytes it sent. */
    private record Result(double stepMs, double cpuSecondsPerRank, long bytesPerRank) { }

    /**
     * {@code slots} workers in this JVM, rank {@code host·slots + i}, each a thread with its own model copy and sync over
     * the hierarchical collective. The step is the slowest worker's; the CPU and bytes are the process's, per worker.
     */
    private static Result measureSlots(LabMode mode, int host, int hosts, RingAllReduce ring, CollectiveOptions options,
                                       SyntheticModel model, LabConfig config) throws InterruptedException {
        int k = config.slots();
        String[] executorOfRank = new String[hosts * k];
        for (int r = 0; r < executorOfRank.length; r++) executorOfRank[r] = "host" + r / k;
        ExecutorGroups groups = ExecutorGroups.of(executorOfRank);
        List<Collective> local = InJvmCollective.create(k, options);
        Result[] results = new Result[k];
        Throwable[] failure = new Throwable[1];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int slot = i;
            Collective rank = new HierarchicalCollective(host * k + i, groups, local.get(i), i == 0 ? ring : null);
            Thread t = new Thread(() -> {
                try {
                    results[slot] = measure(mode, rank, ring, model, config);
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = e;
                    }
                }
            }, "lab-slot-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        if (failure[0] != null) throw new IllegalStateException("a slot failed: " + failure[0], failure[0]);
        double step = Arrays.stream(results).mapToDouble(Result::stepMs).max().orElseThrow();
        // Every slot's window covers the same barrier-bounded steps, so one slot's view of the process CPU counts them all.
        return new Result(step, results[0].cpuSecondsPerRank / k, results[0].bytesPerRank / k);
    }

    private static Result measure(LabMode mode, RingAllReduce ring, SyntheticModel model, LabConfig config)
            throws InterruptedException {
        return measure(mode, ring, ring, model, config);
    }

    /** Steps of {@code mode} on {@code collective}; {@code ring} is the TCP ring under it, whose bytes are counted. */
    private static Result measure(LabMode mode, Collective collective, RingAllReduce ring, SyntheticModel model,
                                  LabConfig config) throws InterruptedException {
        Network net = LabNetwork.of(config.parameters(), config.layers());
        Optimizer sgd = OptimizerConfig.sgd(1e-9).create(net.layout(), DataType.FLOAT);
        long bucketBytes = (long) Math.ceil(config.bucketMib() * (1 << 20));
        // The training step's own sync, as a job over the ring picks it for a shardable optimizer: the sharded step,
        // its buckets reduce-scattered and gathered after backward, or behind backward and the next forward.
        SyncPlan plan = new SyncPlan(SyncMode.ALLREDUCE, 1, bucketBytes, mode.overlapped);
        try (GradientSync sync = SyncChoice.of(plan, net, sgd, collective)) {
            collective.barrier();
            for (int s = 0; s < config.warmupSteps(); s++) {
                step(model, sync, s);
            }
            sync.awaitParameters();   // the collective has one caller at a time: the prefetch's gathers end first
            collective.barrier();
            long cpu0 = processCpuNanos(), bytes0 = ring.bytesSent(), t0 = System.nanoTime();
            for (int s = 0; s < config.steps(); s++) {
                step(model, sync, s);
            }
            sync.awaitParameters();   // the last update's gather belongs to the measured steps
            long wall = System.nanoTime() - t0, cpu = processCpuNanos() - cpu0, bytes = ring.bytesSent() - bytes0;
            int n = config.steps();
            return new Result(wall / 1e6 / n, cpu / 1e9 / n, bytes / n);
        }
    }

    private static void step(SyntheticModel model, GradientSync sync, int s) throws InterruptedException {
        model.runStep(sync::parametersNeededThrough, sync::gradientsReadyFrom);
        sync.update(new StepPosition(1, s, Integer.MAX_VALUE, s));
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
