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
    void aStepSleepsUntilEachReleaseWithoutDrift() throws InterruptedException {
        SyntheticModel m = new SyntheticModel(100_000, 10, 10, 20, 0.1);
        long t0 = System.nanoTime();
        int[] seen = {0};
        m.runStep(b -> {
            assertEquals(seen[0]++, b);
            assertTrue((System.nanoTime() - t0) / 1e6 >= m.buckets().get(b).releaseMs());
        });
        assertEquals(m.buckets().size(), seen[0]);
    }
}
