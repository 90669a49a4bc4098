package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticModelTest {

    @Test
    void bucketsTileTheBufferFromTheLastLayerBackAndReleaseInOrder() {
        SyntheticModel m = new SyntheticModel(2_500_000, 20, 100.0 / 3, 200.0 / 3, 1.0);
        List<SyntheticModel.Bucket> buckets = m.buckets();
        long end = m.parameters();
        double previous = m.forwardMs();
        for (SyntheticModel.Bucket b : buckets) {
            assertEquals(end, b.offset() + b.length(), "contiguous, last layers first");
            assertTrue(b.releaseMs() > previous);
            end = b.offset();
            previous = b.releaseMs();
        }
        assertEquals(0, end);
        assertEquals(100.0, buckets.get(buckets.size() - 1).releaseMs(), 1e-9);
        // Every bucket but the first layers' remainder holds at least 1 MiB of fp32 gradients.
        for (SyntheticModel.Bucket b : buckets.subList(0, buckets.size() - 1)) {
            assertTrue(b.length() * 4L >= 1 << 20, "bucket of " + b.length());
        }
    }

    @Test
    void aStepReleasesEachLayerLastFirstAtItsTimeWithoutDrift() throws InterruptedException {
        // 10 layers of 10,000 parameters, 10 ms forward, 20 ms backward: layer l is done 10 + 2·(10 − l) ms in.
        SyntheticModel m = new SyntheticModel(100_000, 10, 10, 20, 0.1);
        long t0 = System.nanoTime();
        int[] layer = {9}, forward = {0};
        m.runStep(end -> {
            assertEquals(10_000L * (forward[0] + 1), end, "forward asks for the parameters up to each layer's end, first layer first");
            assertTrue((System.nanoTime() - t0) / 1e6 >= forward[0], "layer " + forward[0] + " asked for early");
            forward[0]++;
        }, offset -> {
            assertEquals(10_000L * layer[0], offset, "layers are released last first, each from its first element");
            assertTrue((System.nanoTime() - t0) / 1e6 >= 10 + 2 * (10 - layer[0]), "layer " + layer[0] + " released early");
            layer[0]--;
        });
        assertEquals(-1, layer[0], "every layer released once");
        assertEquals(10, forward[0], "every layer's parameters asked for once");
    }
}
