package io.spindle.worker.sync;

import io.spindle.core.model.ParamLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * The flat gradient buffer cut into buckets of whole parameter blocks, about {@code bucketBytes} each, in the order
 * backward finishes them: the last layers' first. The cuts depend only on the layout and the size, so every rank
 * makes the same buckets (Horovod's tensor fusion, PyTorch DDP's buckets).
 */
public final class GradientBuckets {

    /** One bucket: the elements [from, to) of the buffer. */
    public record Bucket(long from, long to) {
    }

    private final List<Bucket> backwardOrder;

    /** Buckets of about {@code bucketBytes}; {@code 0} makes one bucket of the whole buffer. */
    public GradientBuckets(ParamLayout layout, long bucketBytes) {
        if (bucketBytes != 0 && bucketBytes < 4) {
            throw new IllegalArgumentException("a bucket must hold at least one float, got " + bucketBytes + " bytes");
        }
        long valuesPerBucket = bucketBytes == 0 ? Long.MAX_VALUE : bucketBytes / 4;
        List<Bucket> buckets = new ArrayList<>();
        long to = layout.size();
        List<ParamLayout.Block> blocks = layout.blocks();
        for (int b = blocks.size() - 1; b >= 0; b--) {
            long from = blocks.get(b).offset();
            if (to - from >= valuesPerBucket || b == 0) {
                buckets.add(new Bucket(b == 0 ? 0 : from, to));
                to = from;
            }
        }
        this.backwardOrder = List.copyOf(buckets);
    }

    /** One bucket of the whole buffer. */
    public static GradientBuckets whole(ParamLayout layout) {
        return new GradientBuckets(layout, 0);
    }

    /** The buckets, the one holding the buffer's end first. */
    public List<Bucket> inBackwardOrder() {
        return backwardOrder;
    }
}
