package io.spindle.core.metrics;

import io.spindle.core.nn.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.longer.CountNonZero;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counting correct predictions of a batch, natively: the training loops' running accuracy. An instance
 * keeps its two index arrays between batches (a training loop calls it every step); not for concurrent use.
 */
public final class Accuracy {
    private INDArray predicted, expected;

    /** How many rows of scores [B, K] have their arg-max equal to their label ([B] or [B, 1] class indices). */
    public static long countCorrect(INDArray scores, INDArray labels) {
        return new Accuracy().count(scores, labels);
    }

    /** As {@link #countCorrect}, reusing this instance's arrays. */
    public long count(INDArray scores, INDArray labels) {
        // Four native calls; the INDArray argMax/eq/sum chain cost ~5x more on a [64, 10] batch.
        long batch = scores.size(0);
        predicted = Buffers.reuse(predicted, DataType.INT64, batch);
        expected = Buffers.reuse(expected, DataType.INT64, batch);
        Nd4j.exec(DynamicCustomOp.builder("argmax").addInputs(scores).addOutputs(predicted).addIntegerArguments(1).build());
        Nd4j.exec(DynamicCustomOp.builder("cast").addInputs(labels.reshape(batch)).addOutputs(expected)
                .addIntegerArguments(DataType.INT64.toInt()).build());
        // predicted − expected is zero exactly where the prediction is right.
        return batch - Nd4j.getExecutioner().exec(new CountNonZero(predicted.subi(expected))).getLong(0);
    }
}
