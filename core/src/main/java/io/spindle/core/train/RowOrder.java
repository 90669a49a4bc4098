package io.spindle.core.train;

/**
 * The rows a {@link BatchSampler} visits in one epoch, as positions in its dataset, in step order: batch i is
 * positions {@code [i·b, (i+1)·b)}. The same epoch always gives the same order, also after a restart.
 */
public interface RowOrder {
    /** How many positions every epoch's order holds. */
    int rowsPerEpoch();

    /** Epoch {@code epoch}'s (0-based) positions; the caller may keep the array until the next call. */
    int[] epoch(int epoch);

    /** Every row once, in the dataset's own order, every epoch (evaluation). */
    static RowOrder source(int rows) {
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) identity[i] = i;
        return new RowOrder() {
            @Override
            public int rowsPerEpoch() {
                return rows;
            }

            @Override
            public int[] epoch(int epoch) {
                return identity;
            }
        };
    }
}
