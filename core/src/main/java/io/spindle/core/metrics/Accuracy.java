package io.spindle.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Counting correct predictions of a batch, natively: the training loops' running accuracy. */
public final class Accuracy {
    private Accuracy() {
    }

    /** How many rows of scores [B, K] have their arg-max equal to their label ([B] or [B, 1] class indices). */
    public static long countCorrect(INDArray scores, INDArray labels) {
        INDArray predicted = Nd4j.argMax(scores, 1).castTo(labels.dataType());
        return predicted.eq(labels.reshape(labels.length())).castTo(DataType.INT32).sumNumber().longValue();
    }
}
