package io.spindle.worker.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.kernel.Bfloat16Loops;
import io.spindle.core.kernel.Float16Loops;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** 2-byte wire formats: within their rounding bound, still identical on every rank, half the bytes. */
class WireFormatTest {

    private static final int N = 3;
    private static final int LENGTH = 100_003;

    @ParameterizedTest
    @EnumSource(value = Ranks.Kind.class, names = {"RING", "COORDINATOR"})
    void halfPrecisionFormatsStayWithinTheirBoundAndHalveTheBytes(Ranks.Kind kind) {
        long float32Bytes = run(kind, WireFormat.FLOAT32, 0);
        // Values in [-1, 1): a ring rounds each value N times (its own, N-2 partial sums and the mean's
        // sum), each time by at most 2^-p of a partial sum below N; the mean divides that by N.
        long float16Bytes = run(kind, WireFormat.FLOAT16, (N + 1) * Math.pow(2, -11));
        long bfloat16Bytes = run(kind, WireFormat.BFLOAT16, (N + 1) * Math.pow(2, -8));
        double expected = kind == Ranks.Kind.RING ? 2.0 * (N - 1) / N * 4 * LENGTH : 4.0 * LENGTH;
        assertEquals(expected, float32Bytes, expected * 0.01, "float32 bytes sent per rank");
        assertEquals(0.5, (double) float16Bytes / float32Bytes, 0.005);
        assertEquals(0.5, (double) bfloat16Bytes / float32Bytes, 0.005);
    }

    /**
     * A 16-bit ring's bits, against its definition written out here: chunk c is summed in the order c, c+1, ...,
     * c-1, each partial sum crossing the wire in the format and added in float32, and the owner's mean, rounded to
     * the format, is what every rank gets. Several pieces per chunk, and ring sizes from 2 to 4.
     */
    @ParameterizedTest
    @EnumSource(value = WireFormat.class, names = {"FLOAT16", "BFLOAT16"})
    void aSixteenBitRingGivesTheBitsOfItsDefinition(WireFormat format) {
        Ranks.Kind kind = Ranks.Kind.RING;
        int length = 1_001;
        for (int n = 2; n <= 4; n++) {
            List<float[]> inputs = new ArrayList<>();
            for (int r = 0; r < n; r++) inputs.add(Ranks.inputs(5, r, length));
            try (Ranks group = Ranks.open(kind, n, Ranks.options().withWireFormat(format).withChunkBytes(64))) {
                List<INDArray> results = group.onAll(c -> {
                    INDArray buffer = Ranks.array(inputs.get(c.rank()));
                    c.allReduceMean(buffer);
                    return buffer;
                });
                for (int c = 0; c < n; c++) {
                    for (long i = (long) length * c / n; i < (long) length * (c + 1) / n; i++) {
                        float partial = inputs.get(c)[(int) i];
                        for (int k = 1; k < n; k++) partial = inputs.get((c + k) % n)[(int) i] + wire(format, partial);
                        int expected = Float.floatToRawIntBits(wire(format, partial / n));
                        for (int r = 0; r < n; r++) {
                            assertEquals(expected, Float.floatToRawIntBits(results.get(r).getFloat(i)), n + " ranks: rank " + r + " element " + i);
                        }
                    }
                }
            }
        }
    }

    private static float wire(WireFormat format, float value) {
        return format == WireFormat.BFLOAT16 ? Bfloat16Loops.fromBfloat16(Bfloat16Loops.toBfloat16(value))
                : Float16Loops.toFloat(Float16Loops.fromFloat(value));
    }

    /** One all-reduce in {@code format}; returns the bytes rank 0 sent, after checking the result. */
    private static long run(Ranks.Kind kind, WireFormat format, double tolerance) {
        CollectiveOptions options = Ranks.options().withWireFormat(format).withChunkBytes(16 * 1024);
        try (Ranks group = Ranks.open(kind, N, options)) {
            List<float[]> inputs = new ArrayList<>();
            for (int r = 0; r < N; r++) {
                inputs.add(Ranks.inputs(3, r, LENGTH));
            }
            List<long[]> sent = new ArrayList<>();
            List<INDArray> results = group.onAll(c -> {
                INDArray buffer = Ranks.array(inputs.get(c.rank()));
                long before = bytesSent(c);
                c.allReduceMean(buffer);
                synchronized (sent) {
                    sent.add(new long[] {c.rank(), bytesSent(c) - before});
                }
                return buffer;
            });
            int[] bits = Ranks.bits(results.get(0));
            for (INDArray result : results) {
                assertArrayEquals(bits, Ranks.bits(result), format + ": ranks differ");
            }
            float[] got = results.get(0).toFloatVector();
            double worst = 0;
            for (int i = 0; i < LENGTH; i++) {
                double sum = 0;
                for (float[] in : inputs) {
                    sum += in[i];
                }
                worst = Math.max(worst, Math.abs(got[i] - sum / N));
            }
            assertTrue(worst <= Math.max(tolerance, 1e-6), format + ": worst error " + worst + " > " + tolerance);
            return sent.stream().filter(s -> s[0] == 0).findFirst().orElseThrow()[1];
        }
    }

    private static long bytesSent(Collective c) {
        return c instanceof RingAllReduce ring ? ring.bytesSent() : ((CoordinatorAllReduce) c).bytesSent();
    }
}
