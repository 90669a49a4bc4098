package io.spindle.worker.collective;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Test fixture: N ranks of one transport on loopback, each driven by its own thread. */
public final class Ranks implements AutoCloseable {

    /** The three transports under test. */
    public enum Kind { IN_JVM, RING, COORDINATOR }

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Kind kind;
    public final List<Collective> ranks;
    public final List<String> addresses;     // ring: each rank's listening address
    final CoordinatorServer server;   // coordinator only

    Ranks(Kind kind, List<Collective> ranks, List<String> addresses, CoordinatorServer server) {
        this.kind = kind;
        this.ranks = ranks;
        this.addresses = addresses;
        this.server = server;
    }

    /** A fixed secret, so tests are reproducible. */
    public static byte[] secret() {
        byte[] s = new byte[CollectiveOptions.SECRET_BYTES];
        Arrays.fill(s, (byte) 0x5a);
        return s;
    }

    public static CollectiveOptions options() {
        return CollectiveOptions.defaults(secret()).withTimeoutMillis(10_000).withHandshakeTimeoutMillis(500);
    }

    public static Ranks open(Kind kind, int n, CollectiveOptions options) {
        return switch (kind) {
            case IN_JVM -> new Ranks(kind, InJvmCollective.create(n, options), List.of(), null);
            case RING -> ring(n, options);
            case COORDINATOR -> coordinator(n, options);
        };
    }

    static Ranks ring(int n, CollectiveOptions options) {
        List<RingAllReduce.Endpoint> endpoints = IntStream.range(0, n)
                .mapToObj(r -> RingAllReduce.listen(r, LOOPBACK)).toList();
        return ring(endpoints, options);
    }

    /** Forms the ring from endpoints already listening (tests may have sent strangers to them). */
    static Ranks ring(List<RingAllReduce.Endpoint> endpoints, CollectiveOptions options) {
        List<String> addresses = endpoints.stream().map(RingAllReduce.Endpoint::address).toList();
        List<Collective> ranks = inParallel(endpoints.size(),
                r -> RingAllReduce.connect(endpoints.get(r), addresses, options));
        return new Ranks(Kind.RING, ranks, addresses, null);
    }

    static Ranks coordinator(int n, CollectiveOptions options) {
        CoordinatorServer server = CoordinatorServer.start(n, LOOPBACK, options);
        return coordinator(server, n, options);
    }

    static Ranks coordinator(CoordinatorServer server, int n, CollectiveOptions options) {
        List<Collective> ranks = inParallel(n, r -> CoordinatorAllReduce.connect(server.address(), r, n, options));
        return new Ranks(Kind.COORDINATOR, ranks, List.of(), server);
    }

    /**
     * Ranks grouped by executor as {@code executorOfRank} says: each group's ranks in memory, a ring of the groups'
     * leaders on loopback (the hierarchical all-reduce of multi-slot executors).
     */
    public static Ranks hierarchical(String[] executorOfRank, CollectiveOptions options) {
        ExecutorGroups groups = ExecutorGroups.of(executorOfRank);
        List<List<Collective>> local = new ArrayList<>();
        for (int g = 0; g < groups.groups(); g++) local.add(InJvmCollective.create(groups.groupSize(g), options));
        List<Collective> leaders = ring(groups.groups(), options).ranks;
        List<Collective> ranks = new ArrayList<>();
        for (int r = 0; r < executorOfRank.length; r++) {
            int g = groups.groupOf(r);
            Collective lead = groups.localIndex(r) == 0 ? leaders.get(g) : null;
            ranks.add(new HierarchicalCollective(r, groups, local.get(g).get(groups.localIndex(r)), lead));
        }
        return new Ranks(Kind.RING, ranks, List.of(), null);
    }

    int size() {
        return ranks.size();
    }

    /** Runs {@code f} on every rank at once, each in its own thread; rethrows the first failure. */
    public <T> List<T> onAll(Function<Collective, T> f) {
        return inParallel(size(), r -> f.apply(ranks.get(r)));
    }

    /** Runs {@code work} for ranks 0..n-1 in parallel threads and returns their results in rank order. */
    public static <T> List<T> inParallel(int n, Function<Integer, T> work) {
        List<Object> outcomes = outcomes(n, work);
        List<T> results = new ArrayList<>(n);
        for (Object o : outcomes) {
            if (o instanceof Throwable t) {
                throw t instanceof RuntimeException e ? e : new IllegalStateException(t);
            }
            @SuppressWarnings("unchecked") T value = (T) o;
            results.add(value);
        }
        return results;
    }

    /** Like {@link #inParallel} but returns each rank's result or the Throwable it ended with. */
    public static List<Object> outcomes(int n, Function<Integer, ?> work) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> work.apply(rank)));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<?> f : futures) {
                try {
                    outcomes.add(f.get(60, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                } catch (Exception e) {
                    outcomes.add(e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reproducible inputs in [-1, 1), different for every (seed, rank). */
    public static float[] inputs(long seed, int rank, int n) {
        Random random = new Random(seed * 1_000_003L + rank);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    public static INDArray array(float[] values) {
        return Nd4j.createFromArray(values.clone());
    }

    public static int[] bits(INDArray a) {
        float[] v = a.toFloatVector();
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    @Override
    public void close() {
        for (Collective c : ranks) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
