package io.spindle.core.train;

import io.spindle.core.data.Augmentation;
import io.spindle.core.kernel.Numbers;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Applies an {@link Augmentation} to a gathered batch, in place, after the sampler has copied the rows: each image
 * is flipped left-right with probability ½ and shifted by a uniform (dy, dx) in [-p, p]², the pixels shifted in
 * being 0 (zero padding, then a crop). The draws depend only on (seed, step), so a resumed run repeats them.
 */
public final class BatchAugmenter {
    /** Changes nothing. */
    public static final BatchAugmenter NONE = new BatchAugmenter(Augmentation.NONE, new long[] {0, 0, 0}, 0);

    private final Augmentation augmentation;
    private final int channels, height, width;
    private final long seed;
    private double[] image = new double[0];

    /** {@code sampleShape} is [channels, height, width] (checked by {@link Augmentation#check}). */
    public BatchAugmenter(Augmentation augmentation, long[] sampleShape, long seed) {
        augmentation.check(sampleShape, "data.augment");
        this.augmentation = augmentation;
        this.channels = (int) sampleShape[0];
        this.height = (int) sampleShape[1];
        this.width = (int) sampleShape[2];
        this.seed = seed;
    }

    /** {@code batch} with its images changed for step {@code step} (the run's 0-based step count). */
    public BatchSampler.Batch apply(BatchSampler.Batch batch, long step) {
        if (augmentation.isNone()) return batch;
        apply(batch.features(), batch.size(), step);
        return batch;
    }

    /** Changes the first {@code rows} rows of {@code features} [B, C·H·W]. */
    void apply(INDArray features, int rows, long step) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        Numbers x = Numbers.of(features);
        if (!x.isOf(features)) throw new IllegalArgumentException("a batch to augment must be contiguous rows in c order");
        int size = channels * height * width, p = augmentation.cropPadding();
        if (image.length < size) image = new double[size];
        for (int r = 0; r < rows; r++) {
            boolean flip = augmentation.horizontalFlip() && rng.nextBoolean();
            int dy = p == 0 ? 0 : rng.nextInt(2 * p + 1) - p, dx = p == 0 ? 0 : rng.nextInt(2 * p + 1) - p;
            if (!flip && dy == 0 && dx == 0) continue;
            int base = r * size;
            for (int i = 0; i < size; i++) image[i] = x.get(base + i);
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    int sy = y + dy;
                    for (int col = 0; col < width; col++) {
                        // Output pixel (y, col) is pixel (y + dy, col + dx) of the flipped image; outside it, zero.
                        int sx = col + dx;
                        boolean inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                        double v = inside ? image[(c * height + sy) * width + (flip ? width - 1 - sx : sx)] : 0;
                        x.set(base + (c * height + y) * width + col, v);
                    }
                }
            }
        }
    }
}
