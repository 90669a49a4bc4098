package io.spindle.core.metrics;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Confusion counts and the metrics derived from them, against numbers worked out by hand. */
class ConfusionMatrixTest {
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 2, 1, 2, 2, 0, 0};
    // By hand:            predicted 0  1  2
    private static final long[][] COUNTS = {{2, 1, 0},   // actual 0
                                            {0, 2, 1},   // actual 1
                                            {2, 0, 2}};  // actual 2

    /** Rows of scores whose highest entry is the predicted class (logits: need not sum to 1). */
    private static INDArray scores(int from, int to) {
        double[][] s = new double[to - from][];
        for (int i = from; i < to; i++) {
            s[i - from] = new double[] {0.1, 0.3, 0.2};
            s[i - from][PREDICTED[i]] = 2.5;
        }
        return Nd4j.create(s).castTo(DataType.FLOAT);
    }

    private static INDArray labels(int from, int to, boolean column) {
        double[] v = new double[to - from];
        for (int i = from; i < to; i++) v[i - from] = ACTUAL[i];
        return column ? Nd4j.create(v, new long[] {v.length, 1}, DataType.DOUBLE) : Nd4j.create(v);
    }

    private static ConfusionMatrix whole() {
        return new ConfusionMatrix(3).add(scores(0, 10), labels(0, 10, true));
    }

    @Test
    void countsAndMetricsMatchHandComputedValues() {
        ConfusionMatrix m = whole();
        assertArrayEquals(COUNTS, m.counts());
        assertEquals(10, m.total());
        assertEquals(0.6, m.accuracy(), 1e-15);
        assertEquals(2.0 / 4, m.precision(0), 1e-15);
        assertEquals(2.0 / 3, m.recall(0), 1e-15);
        assertEquals(4.0 / 7, m.f1(0), 1e-15);
        assertEquals(2.0 / 3, m.precision(1), 1e-15);
        assertEquals(2.0 / 3, m.recall(1), 1e-15);
        assertEquals(2.0 / 3, m.precision(2), 1e-15);
        assertEquals(2.0 / 4, m.recall(2), 1e-15);
        assertEquals(4.0 / 7, m.f1(2), 1e-15);
        assertEquals((4.0 / 7 + 2.0 / 3 + 4.0 / 7) / 3, m.macroF1(), 1e-15);
    }

    @Test
    void pairsAndBatchesCountTheSame() {
        ConfusionMatrix byPair = new ConfusionMatrix(3);
        for (int i = 0; i < ACTUAL.length; i++) byPair.add(ACTUAL[i], PREDICTED[i]);
        assertArrayEquals(whole().counts(), byPair.counts());
    }

    @Test
    void mergeOfTwoHalvesEqualsTheWhole() {
        ConfusionMatrix first = new ConfusionMatrix(3).add(scores(0, 4), labels(0, 4, true));
        ConfusionMatrix second = new ConfusionMatrix(3).add(scores(4, 10), labels(4, 10, false));
        ConfusionMatrix merged = first.merge(second);
        assertArrayEquals(COUNTS, merged.counts());
        assertEquals(whole().macroF1(), merged.macroF1(), 0);
        assertThrows(IllegalArgumentException.class, () -> merged.merge(new ConfusionMatrix(4)));
    }

    @Test
    void macroF1SkipsClassesThatNeverOccur() {
        ConfusionMatrix four = new ConfusionMatrix(4);
        for (int i = 0; i < ACTUAL.length; i++) four.add(ACTUAL[i], PREDICTED[i]);
        assertEquals(whole().macroF1(), four.macroF1(), 1e-15);
        assertEquals(0, four.precision(3));
        assertEquals(0, four.recall(3));
    }

    @Test
    void emptyMatrixHasNoAccuracy() {
        assertTrue(Double.isNaN(new ConfusionMatrix(2).accuracy()));
        assertTrue(Double.isNaN(new ConfusionMatrix(2).macroF1()));
    }

    @Test
    void badInputsAreNamed() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.add(scores(0, 2), Nd4j.create(new double[][] {{0}, {3}})));
        assertTrue(e.getMessage().contains("label 3.0 in row 1 is not a class index in [0, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.add(scores(0, 2), Nd4j.eye(3).getRows(0, 1)));
        assertTrue(e.getMessage().contains("one-hot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.add(Nd4j.zeros(2, 4), labels(0, 2, true)));
        assertTrue(e.getMessage().contains("[batch, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.add(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(1));
    }

    @Test
    void toStringIsATable() {
        String table = whole().toString();
        assertTrue(table.contains("actual\\predicted"), table);
        String[] lines = table.split("\n");
        assertEquals(6, lines.length, table);
        assertEquals("2 2 0 2 0.500", lines[3].trim().replaceAll(" +", " "), table);
        assertTrue(lines[5].contains("accuracy 0.6000 (10 rows)"), table);
    }

    @Test
    void largerRandomBatchMatchesADirectTally() {
        INDArray s = TestArrays.gaussian(5, DataType.FLOAT, 200, 5);
        INDArray y = TestArrays.classes(6, DataType.FLOAT, 200, 5);
        ConfusionMatrix m = new ConfusionMatrix(5).add(s, y);
        long[][] direct = new long[5][5];
        for (int i = 0; i < 200; i++) {
            int best = 0;
            for (int c = 1; c < 5; c++) if (s.getDouble(i, c) > s.getDouble(i, best)) best = c;
            direct[(int) y.getDouble(i, 0)][best]++;
        }
        assertArrayEquals(direct, m.counts());
    }

    @Test
    void accuracyCountsRowsWhoseArgMaxIsTheLabel() {
        // By hand from the table above: rows 0, 1, 3, 5, 6, 7 are right.
        assertEquals(6, Accuracy.countCorrect(scores(0, 10), labels(0, 10, true)));
        assertEquals(6, Accuracy.countCorrect(scores(0, 10), labels(0, 10, false)));
        assertEquals(1, Accuracy.countCorrect(scores(7, 10), labels(7, 10, false)));
        Accuracy reused = new Accuracy();   // kept arrays follow the batch size
        assertEquals(6, reused.count(scores(0, 10), labels(0, 10, true)));
        assertEquals(1, reused.count(scores(7, 10), labels(7, 10, false)));
        assertEquals(6, reused.count(scores(0, 10), labels(0, 10, false)));
    }
}
