package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Connections that are not the expected peer (garbage, a wrong secret, the right secret but the wrong
 * rank, silence) are dropped without disturbing training, before the ring forms and after.
 */
class StrangerTest {

    @Test
    void ringFormsAndReducesCorrectlyDespiteStrangersArrivingFirst() throws IOException {
        List<RingAllReduce.Endpoint> endpoints = IntStream.range(0, 3)
                .mapToObj(r -> RingAllReduce.listen(r, Ranks.LOOPBACK)).toList();
        List<Socket> strangers = new ArrayList<>();
        try {
            for (RingAllReduce.Endpoint endpoint : endpoints) {
                strangers.addAll(pester(endpoint.address(), Handshake.RING_MAGIC, endpoint.rank()));
            }
            try (Ranks ring = Ranks.ring(endpoints, Ranks.options())) {
                AllReduceMeanTest.checkOnce(ring, 10007, 5);
                strangers.addAll(pester(ring.addresses.get(0), Handshake.RING_MAGIC, 0));   // late strangers
                AllReduceMeanTest.checkOnce(ring, 10007, 6);
                for (Collective rank : ring.ranks) {
                    // garbage, wrong secret, wrong rank, silent: at least four per rank, silent ones after 0.5 s
                    awaitDrops(() -> ((RingAllReduce) rank).droppedConnections(), 4);
                }
                AllReduceMeanTest.checkOnce(ring, 10007, 7);
            }
        } finally {
            for (Socket s : strangers) {
                s.close();
            }
        }
    }

    @Test
    void coordinatorServesItsRanksDespiteStrangers() throws IOException {
        CoordinatorServer server = CoordinatorServer.start(3, Ranks.LOOPBACK, Ranks.options());
        List<Socket> strangers = new ArrayList<>(pester(server.address(), Handshake.COORDINATOR_MAGIC, 5));
        try (Ranks group = Ranks.coordinator(server, 3, Ranks.options())) {
            AllReduceMeanTest.checkOnce(group, 10007, 5);
            strangers.addAll(pester(server.address(), Handshake.COORDINATOR_MAGIC, 5));
            awaitDrops(server::droppedConnections, 8);
            AllReduceMeanTest.checkOnce(group, 10007, 6);
        } finally {
            for (Socket s : strangers) {
                s.close();
            }
        }
    }

    /**
     * Opens four stranger connections to {@code address}, the listening socket of rank {@code rankOfTarget}:
     * garbage; the real predecessor's hello with a wrong secret; a hello with the right secret from a rank
     * not expected there; and one that says nothing. Returns them still open.
     */
    private static List<Socket> pester(String address, String magic, int rankOfTarget) throws IOException {
        HostPort target = HostPort.parse(address);
        byte[] garbage = new byte[300];
        new Random(1).nextBytes(garbage);
        byte[] wrongSecret = Ranks.secret().clone();
        wrongSecret[31] ^= 1;
        int size = 3;
        // The ring admits only rank-1; the coordinator admits ranks 0..2, so claim rank 7 of a world of 3 there.
        int unexpectedRank = magic.equals(Handshake.RING_MAGIC) ? rankOfTarget : 7;
        List<Socket> sockets = new ArrayList<>();
        sockets.add(send(target, garbage));
        sockets.add(send(target, bytes(new Handshake(magic, wrongSecret, size).hello((rankOfTarget + 2) % size))));
        sockets.add(send(target, bytes(new Handshake(magic, Ranks.secret(), size).hello(unexpectedRank))));
        sockets.add(send(target, new byte[0]));
        return sockets;
    }

    private static Socket send(HostPort target, byte[] bytes) throws IOException {
        Socket socket = new Socket(target.host(), target.port());
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return socket;
    }

    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOfRange(b.array(), b.position(), b.limit());
    }

    private static void awaitDrops(IntSupplier dropped, int atLeast) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (dropped.getAsInt() < atLeast && System.nanoTime() < deadline) {
            BroadcastAndBarrierTest.sleep(20);
        }
        assertTrue(dropped.getAsInt() >= atLeast, "dropped " + dropped.getAsInt() + " < " + atLeast);
    }
}
