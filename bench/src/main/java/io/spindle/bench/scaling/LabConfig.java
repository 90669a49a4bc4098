package io.spindle.bench.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scaling lab's scenario, validated: which worker counts and modes run, the synthetic model, the step
 * counts and the emulated link. Every bad value is rejected with the parameter's name and its allowed range.
 *
 * @param nodes worker counts to measure, each in [2, 64]
 * @param modes modes to run at every worker count
 * @param parameters float parameters of the synthetic model (gradient buffer length)
 * @param computeMs forward + backward time of one step
 * @param forwardShare the share of {@code computeMs} spent in forward, in (0, 1)
 * @param layers how many layers the synthetic model has (backward releases them last to first)
 * @param bucketMib the size of an overlapped bucket of fp32 gradients
 * @param linkGbit the rate every emulated link is shaped to
 * @param warmupSteps steps run before measuring, per mode
 * @param steps measured steps per mode
 * @param dilation how many times slower than the scenario the lab runs (links {@code dilation} times slower, compute
 *                 {@code dilation} times longer, step times divided by it), or {@link #AUTO_DILATION}: N workers of a real
 *                 cluster each have cores of their own, while the lab's share the host's few, so with N / cores they get a
 *                 core each per scenario second, as time-dilated network emulation does; 1 runs in real time
 * @param slots workers per emulated host: 1 gives each worker a host (the flat ring); more run that many workers in
 *              one host's JVM, reducing hierarchically (in memory, then over the ring of the hosts' leaders)
 * @param pieceKib the ring's pipelined piece on the wire, in KiB (Spindle's ring uses 1024; smaller pieces let a rank
 *                 reduce one while the next travels, which the cost model says and the lab can check)
 * @param mtu the links' MTU: 1500 is Ethernet's own; 9000, jumbo frames, is a setting real clusters make, and carries
 *            more payload per frame ({@link EthernetFraming})
 * @param burstUs each HTB class's burst, in microseconds at its (dilated) rate, at least one frame: how late the
 *                shaper's timer may fire before the link loses the time, and the most an idle link may send ahead
 *                of a real port's pace; 0 leaves tc's default of about one frame
 */
public record LabConfig(List<Integer> nodes, List<LabMode> modes, long parameters, double computeMs,
                        double forwardShare, int layers, double bucketMib, double linkGbit,
                        int warmupSteps, int steps, double dilation, int slots, int pieceKib, int mtu, double burstUs) {

    /** {@code dilation}'s "auto": N workers over the host's cores, at least 1. */
    public static final double AUTO_DILATION = 0;

    static final int QUICK_WARMUP = 2, QUICK_STEPS = 8;
    public static final int MAX_NODES = 64;   // the lab's /24 and its veth names bound it
    static final int MAX_PIECE_KIB = 1 << 14;
    static final double DEFAULT_BURST_US = 125;
    static final double MAX_BURST_US = 10_000;

    public LabConfig {
        nodes = List.copyOf(nodes);
        modes = List.copyOf(modes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes must list at least one worker count");
        }
        for (int n : nodes) {
            if (n < 2 || n > MAX_NODES) {
                throw new IllegalArgumentException("nodes must each be in [2, " + MAX_NODES + "], got " + n);
            }
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("modes must list at least one of " + Arrays.toString(LabMode.values()));
        }
        require(parameters >= 1024 && parameters <= 1L << 28, "parameters", "[1024, 2^28]", parameters);
        require(computeMs > 0 && computeMs <= 60_000, "compute-ms", "(0, 60000]", computeMs);
        require(forwardShare > 0 && forwardShare < 1, "forward-share", "(0, 1)", forwardShare);
        require(layers >= 1 && layers <= 10_000 && layers <= parameters, "layers", "[1, min(10000, parameters)]", layers);
        require(bucketMib > 0 && bucketMib * (1 << 20) <= parameters * 4.0, "bucket-mib",
                "(0, the model's fp32 size = " + String.format(Locale.ROOT, "%.2f", parameters * 4.0 / (1 << 20)) + "]", bucketMib);
        require(linkGbit > 0 && linkGbit <= 400, "link-gbit", "(0, 400]", linkGbit);
        require(warmupSteps >= 0 && warmupSteps <= 1000, "warmup", "[0, 1000]", warmupSteps);
        require(steps >= 1 && steps <= 10_000, "steps", "[1, 10000]", steps);
        require(dilation == AUTO_DILATION || dilation >= 1 && dilation <= 64, "dilation", "[1, 64] or auto", dilation);
        require(slots >= 1 && slots <= MAX_NODES / 2, "slots", "[1, " + MAX_NODES / 2 + "]", slots);
        require(pieceKib >= 1 && pieceKib <= MAX_PIECE_KIB, "piece-kib", "[1, " + MAX_PIECE_KIB + "]", pieceKib);
        require(mtu >= EthernetFraming.MIN_MTU && mtu <= EthernetFraming.MAX_MTU, "mtu",
                "[" + EthernetFraming.MIN_MTU + ", " + EthernetFraming.MAX_MTU + "]", mtu);
        require(burstUs >= 0 && burstUs <= MAX_BURST_US, "burst-us", "[0, " + (long) MAX_BURST_US + "]", burstUs);
        for (int n : nodes) {
            if (n % slots != 0 || n / slots < 2) {
                throw new IllegalArgumentException("nodes must each be a multiple of slots (" + slots
                        + ") with at least 2 hosts, got " + n);
            }
        }
    }

    /** The emulated hosts a run of {@code n} workers has. */
    public int hostsFor(int n) {
        return n / slots;
    }

    /** The dilation a run of {@code n} workers gets on a host of {@code cores} cores. */
    public double dilationFor(int n, int cores) {
        return dilation == AUTO_DILATION ? Math.max(1, n / (double) Math.max(1, cores)) : dilation;
    }

    /** The scenario as the lab runs it, {@code d} times slower: what its network and workers are given. */
    public LabConfig dilatedBy(double d) {
        return new LabConfig(nodes, modes, parameters, computeMs * d, forwardShare, layers, bucketMib, linkGbit / d,
                warmupSteps, steps, 1, slots, pieceKib, mtu, burstUs);
    }

    /** The default scenario of issue 15: N = 2, 4, 8, 2.5 M parameters, one tenth of a second of compute, 1 Gbit/s links. */
    public static LabConfig defaults() {
        return new LabConfig(List.of(2, 4, 8), List.of(LabMode.values()), 2_500_000, 100, 1.0 / 3, 20, 1.0,
                1.0, 3, 20, AUTO_DILATION, 1, CostModel.RING_PIECE_BYTES >> 10, EthernetFraming.STANDARD_MTU,
                DEFAULT_BURST_US);
    }

    /**
     * Parses {@code --quick} (N = 4 and 8, fewer steps), {@code --nodes 2,4,8}, {@code --modes fp32-serial,...}, {@code --parameters},
     * {@code --compute-ms}, {@code --forward-share}, {@code --layers}, {@code --bucket-mib}, {@code --link-gbit},
     * {@code --warmup}, {@code --steps}, {@code --dilation}, {@code --slots}, {@code --piece-kib}, {@code --mtu} and
     * {@code --burst-us} over the defaults.
     */
    public static LabConfig parse(List<String> args) {
        LabConfig c = defaults();
        List<Integer> nodes = c.nodes;
        List<LabMode> modes = c.modes;
        long parameters = c.parameters;
        double computeMs = c.computeMs, forwardShare = c.forwardShare, bucketMib = c.bucketMib, linkGbit = c.linkGbit;
        double dilation = c.dilation;
        int slots = c.slots, pieceKib = c.pieceKib, mtu = c.mtu;
        double burstUs = c.burstUs;
        int layers = c.layers;
        Integer warmup = null, steps = null;
        boolean quick = false;
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (name.equals("--quick")) {
                nodes = List.of(4, 8);
                quick = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value (or is unknown: " + USAGE + ")");
            }
            String value = args.get(++i);
            switch (name) {
                case "--nodes" -> nodes = parseNodes(value);
                case "--modes" -> modes = parseModes(value);
                case "--parameters" -> parameters = (long) number(name, value);
                case "--compute-ms" -> computeMs = number(name, value);
                case "--forward-share" -> forwardShare = number(name, value);
                case "--layers" -> layers = (int) number(name, value);
                case "--bucket-mib" -> bucketMib = number(name, value);
                case "--link-gbit" -> linkGbit = number(name, value);
                case "--warmup" -> warmup = (int) number(name, value);
                case "--steps" -> steps = (int) number(name, value);
                case "--dilation" -> dilation = value.equals("auto") ? AUTO_DILATION : number(name, value);
                case "--slots" -> slots = (int) number(name, value);
                case "--piece-kib" -> pieceKib = (int) number(name, value);
                case "--mtu" -> mtu = (int) number(name, value);
                case "--burst-us" -> burstUs = number(name, value);
                default -> throw new IllegalArgumentException("unknown option " + name + "; allowed: " + USAGE);
            }
        }
        // --quick also measures fewer steps, unless they are given: N = 4 and 8 in all modes then take minutes.
        return new LabConfig(nodes, modes, parameters, computeMs, forwardShare, layers, bucketMib, linkGbit,
                warmup != null ? warmup : quick ? QUICK_WARMUP : c.warmupSteps, steps != null ? steps : quick ? QUICK_STEPS : c.steps,
                dilation, slots, pieceKib, mtu, burstUs);
    }

    public static final String USAGE = "--quick --nodes 2,4,8 --modes fp32-serial,bf16-serial,fp32-overlap,bf16-overlap"
            + " --parameters N --compute-ms MS --forward-share F --layers L --bucket-mib MIB --link-gbit G --warmup S --steps S --dilation D|auto --slots K --piece-kib K --mtu M --burst-us U";

    private static List<Integer> parseNodes(String value) {
        List<Integer> out = new ArrayList<>();
        for (String s : value.split(",")) {
            out.add((int) number("nodes", s.trim()));
        }
        return out;
    }

    private static List<LabMode> parseModes(String value) {
        List<LabMode> out = new ArrayList<>();
        for (String s : value.split(",")) {
            out.add(LabMode.byLabel(s.trim()));
        }
        return out;
    }

    private static double number(String name, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name.replaceFirst("^--", "") + " must be a number, got '" + value + "'");
        }
    }

    private static void require(boolean ok, String name, String range, double value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " must be in " + range + ", got "
                    + (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)));
        }
    }

    /** The options that {@link #parse} turns back into this config (how the lab hands it to its workers). */
    public List<String> toArgs() {
        return List.of("--nodes", join(nodes.stream().map(String::valueOf).toList()),
                "--modes", join(modes.stream().map(m -> m.label).toList()),
                "--parameters", String.valueOf(parameters), "--compute-ms", String.valueOf(computeMs),
                "--forward-share", String.valueOf(forwardShare), "--layers", String.valueOf(layers),
                "--bucket-mib", String.valueOf(bucketMib), "--link-gbit", String.valueOf(linkGbit),
                "--warmup", String.valueOf(warmupSteps), "--steps", String.valueOf(steps),
                "--dilation", dilation == AUTO_DILATION ? "auto" : String.valueOf(dilation), "--slots", String.valueOf(slots),
                "--piece-kib", String.valueOf(pieceKib), "--mtu", String.valueOf(mtu),
                "--burst-us", String.valueOf(burstUs));
    }

    private static String join(List<String> values) {
        return String.join(",", values);
    }

    /** What a full-sized frame of the links' MTU carries and costs. */
    public EthernetFraming framing() {
        return new EthernetFraming(mtu);
    }

    /** The ring's piece in bytes. */
    public int pieceBytes() {
        return pieceKib << 10;
    }

    /** Backward's share of one step. */
    public double backwardMs() {
        return computeMs * (1 - forwardShare);
    }

    public double forwardMs() {
        return computeMs * forwardShare;
    }
}
