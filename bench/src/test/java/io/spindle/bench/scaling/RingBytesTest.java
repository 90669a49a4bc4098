package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.RingAllReduce;
import io.spindle.worker.collective.WireFormat;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class RingBytesTest {

    @Test
    void theFormulaIsTwoNMinusOneOverN() {
        assertEquals(17.5e6, RingBytes.perWorker(8, 2_500_000, 4), 1e-6);
        assertEquals(8.75e6, RingBytes.perWorker(8, 2_500_000, 2), 1e-6);
        assertEquals(0.0, RingBytes.perWorker(1, 2_500_000, 4), 0.0);
    }

    @Test
    void aRealRingSendsWhatTheFormulaSaysPlusFraming() throws Exception {
        int n = 3, values = 300_000;
        for (WireFormat wire : List.of(WireFormat.FLOAT32, WireFormat.BFLOAT16)) {
            CollectiveOptions options = CollectiveOptions.defaults(CollectiveOptions.newSecret()).withWireFormat(wire);
            List<RingAllReduce.Endpoint> ends = IntStream.range(0, n)
                    .mapToObj(r -> RingAllReduce.listen(r, InetAddress.getLoopbackAddress())).toList();
            List<String> addresses = ends.stream().map(RingAllReduce.Endpoint::address).toList();
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Long>> sent = ends.stream().map(e -> pool.submit(() -> {
                    try (RingAllReduce ring = RingAllReduce.connect(e, addresses, options)) {
                        ring.barrier();
                        long before = ring.bytesSent();
                        ring.allReduceMean(Nd4j.rand(DataType.FLOAT, values));
                        return ring.bytesSent() - before;
                    }
                })).toList();
                double expected = RingBytes.perWorker(n, values, wire == WireFormat.FLOAT32 ? 4 : 2);
                for (Future<Long> f : sent) {
                    long bytes = f.get();
                    assertTrue(bytes >= expected * 0.999 && bytes <= expected * 1.01, wire + ": sent " + bytes + ", formula " + expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
