package io.spindle.core.metrics;

import io.spindle.core.kernel.Numbers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Counting correct predictions of a batch: the training loops' running accuracy. One Java pass over the
 * scores' memory; on a small batch the native arg-max, cast and count cost about a hundred times more.
 */
public final class Accuracy {

    /** How many rows of scores [B, K] have their arg-max (the first, on ties) equal to their label ([B] or [B, 1] class indices). */
    public static long countCorrect(INDArray scores, INDArray labels) {
        return new Accuracy().count(scores, labels);
    }

    /** As {@link #countCorrect}. */
    public long count(INDArray scores, INDArray labels) {
        int batch = (int) scores.size(0), classes = (int) (scores.length() / Math.max(1, batch));
        Numbers s = Numbers.of(scores), y = Numbers.of(labels);
        long correct = 0;
        for (int b = 0, row = 0; b < batch; b++, row += classes) {
            int best = 0;
            double top = s.get(row);
            for (int c = 1; c < classes; c++) {
                double v = s.get(row + c);
                if (v > top) {
                    top = v;
                    best = c;
                }
            }
            if (best == y.get(b)) correct++;
        }
        return correct;
    }
}
