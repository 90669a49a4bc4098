package io.spindle.core.metrics;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Top-k accuracy against hand-counted rows, and top-1 against the confusion matrix's accuracy. */
class TopKAccuracyTest {
    // Classes scoring strictly above the label, by hand: 1, 0, 3, 0 (row 3 is a four-way tie).
    private static final INDArray SCORES = Nd4j.create(new double[][] {
            {0.1, 0.5, 0.3, 0.1},
            {0.7, 0.1, 0.1, 0.1},
            {0.1, 0.2, 0.3, 0.4},
            {0.25, 0.25, 0.25, 0.25}});
    private static final INDArray LABELS = Nd4j.create(new double[][] {{2}, {0}, {0}, {3}});

    @Test
    void handCountedRows() {
        assertEquals(2.0 / 4, new TopKAccuracy(1).add(SCORES, LABELS).value(), 0);
        assertEquals(3.0 / 4, new TopKAccuracy(2).add(SCORES, LABELS).value(), 0);
        assertEquals(3.0 / 4, new TopKAccuracy(3).add(SCORES, LABELS).value(), 0);
        assertEquals(1.0, new TopKAccuracy(4).add(SCORES, LABELS).value(), 0);
        assertEquals(1.0, new TopKAccuracy(9).add(SCORES.castTo(DataType.FLOAT), LABELS.reshape(4)).value(), 0);
    }

    @Test
    void topOneEqualsAccuracyWithoutTies() {
        INDArray s = TestArrays.gaussian(1, DataType.FLOAT, 300, 7);
        INDArray y = TestArrays.classes(2, DataType.FLOAT, 300, 7);
        TopKAccuracy top1 = new TopKAccuracy(1).add(s, y);
        assertEquals(new ConfusionMatrix(7).add(s, y).accuracy(), top1.value(), 0);
        assertEquals(300, top1.total());
    }

    @Test
    void mergeOfTwoHalvesEqualsTheWhole() {
        TopKAccuracy first = new TopKAccuracy(2).add(SCORES.getRows(0, 1), LABELS.getRows(0, 1));
        TopKAccuracy second = new TopKAccuracy(2).add(SCORES.getRows(2, 3), LABELS.getRows(2, 3));
        TopKAccuracy merged = first.merge(second);
        assertEquals(3, merged.hits());
        assertEquals(4, merged.total());
        assertThrows(IllegalArgumentException.class, () -> merged.merge(new TopKAccuracy(1)));
    }

    @Test
    void kMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopKAccuracy(0));
        assertTrue(e.getMessage().contains("k = 0"), e.getMessage());
        assertTrue(Double.isNaN(new TopKAccuracy(3).value()));
    }
}
