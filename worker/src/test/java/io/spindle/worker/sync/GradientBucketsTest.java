package io.spindle.worker.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.core.model.ParamLayout;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GradientBucketsTest {
    // Blocks of 100, 10, 400, 20, 1000 and 5 values: [0,100) [100,110) [110,510) [510,530) [530,1530) [1530,1535).
    private static final ParamLayout LAYOUT = layout(100, 10, 400, 20, 1000, 5);

    @Test
    void bucketsTileTheBufferLastLayersFirstCutAtBlockBoundaries() {
        List<GradientBuckets.Bucket> buckets = new GradientBuckets(LAYOUT, 400 * 4).inBackwardOrder();
        assertEquals(List.of(new GradientBuckets.Bucket(530, 1535), new GradientBuckets.Bucket(110, 530),
                new GradientBuckets.Bucket(0, 110)), buckets);
        Set<Long> boundaries = LAYOUT.blocks().stream().map(ParamLayout.Block::offset).collect(Collectors.toSet());
        long end = LAYOUT.size();
        for (GradientBuckets.Bucket b : buckets) {
            assertEquals(end, b.to(), "contiguous, from the end down");
            assertTrue(boundaries.contains(b.from()), "cut at a block boundary: " + b);
            end = b.from();
        }
        assertEquals(0, end);
    }

    @Test
    void aBucketAsLargeAsTheModelIsOneBucketAndTinyBucketsAreOneBlockEach() {
        assertEquals(List.of(new GradientBuckets.Bucket(0, 1535)), new GradientBuckets(LAYOUT, 1535 * 4).inBackwardOrder());
        assertEquals(6, new GradientBuckets(LAYOUT, 4).inBackwardOrder().size());
        assertThrows(IllegalArgumentException.class, () -> new GradientBuckets(LAYOUT, 3));
    }

    private static ParamLayout layout(long... lengths) {
        List<ParamLayout.Block> blocks = new java.util.ArrayList<>();
        long offset = 0;
        for (int i = 0; i < lengths.length; i++) {
            blocks.add(new ParamLayout.Block(i / 2, "dense", i % 2 == 0 ? "W" : "b", offset, lengths[i], i % 2 == 0));
            offset += lengths[i];
        }
        return new ParamLayout(blocks, offset);
    }
}
