package io.spindle.core.loss;

import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sample weights in every loss: the weighted gradient against central differences (double precision), a row of
 * weight 2 against the same row twice, unit weights against the unweighted loss bit for bit.
 */
class WeightedLossTest {
    private static final GradientChecker CHECK = GradientChecker.standard();
    private static final int ROWS = 5, WIDTH = 3;

    /** Each loss with outputs and labels it accepts: logits and class indices, or values and targets. */
    private record Case(Loss loss, INDArray output, INDArray labels) {
    }

    private static List<Case> cases(DataType type) {
        return List.of(
                new Case(Loss.softmaxCrossEntropy(), TestArrays.gaussian(1, type, ROWS, WIDTH).muli(3), TestArrays.classes(2, type, ROWS, WIDTH)),
                new Case(Loss.softmaxCrossEntropy(0.1), TestArrays.gaussian(1, type, ROWS, WIDTH).muli(3), TestArrays.classes(2, type, ROWS, WIDTH)),
                new Case(Loss.meanSquaredError(), TestArrays.gaussian(3, type, ROWS, WIDTH), TestArrays.gaussian(4, type, ROWS, WIDTH)),
                new Case(Loss.binaryCrossEntropy(), TestArrays.gaussian(5, type, ROWS, WIDTH).muli(4),
                        TestArrays.uniform(6, type, 0, 1, ROWS, WIDTH)));
    }

    @Test
    void weightedGradientsMatchCentralDifferences() {
        INDArray w = Nd4j.create(new double[] {0.5, 2.0, 1.0, 3.25, 0.1});
        for (Case c : cases(DataType.DOUBLE)) {
            // A normaliser other than the batch's own sum, as a worker's share of the global batch's.
            GradientChecker.Result r = CHECK.checkLoss(c.loss(), c.output(), c.labels(), new RowWeights(w, 4.2));
            assertTrue(r.passed(), c.loss().name() + ": " + r);
        }
    }

    @Test
    void aRowOfWeightTwoIsThatRowTwice() {
        for (Case c : cases(DataType.DOUBLE)) {
            INDArray w = Nd4j.create(new double[] {1, 2, 1, 1, 1});
            LossResult result = c.loss().compute(c.output(), c.labels(), RowWeights.ofBatch(w));
            LossResult weighted = new LossResult(result.loss(), result.gradient().dup());
            int[] rows = {0, 1, 1, 2, 3, 4};
            LossResult twice = c.loss().compute(Nd4j.pullRows(c.output(), 1, rows), Nd4j.pullRows(c.labels(), 1, rows));
            assertEquals(twice.loss(), weighted.loss(), 1e-12, c.loss().name());
            INDArray g = twice.gradient().dup();
            // The duplicated row's two gradients together are the weighted row's.
            INDArray merged = Nd4j.vstack(g.getRow(0, true), g.getRow(1, true).add(g.getRow(2, true)),
                    g.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all()));
            assertTrue(merged.equalsWithEps(weighted.gradient(), 1e-12), c.loss().name() + ": " + merged + " vs " + weighted.gradient());
        }
    }

    @Test
    void unitWeightsGiveTheUnweightedGradientBitForBit() {
        for (Case c : cases(DataType.FLOAT)) {
            INDArray ones = Nd4j.ones(DataType.FLOAT, ROWS, 1);
            float[] plain = c.loss().compute(c.output(), c.labels()).gradient().dup().data().asFloat();
            LossResult weighted = c.loss().compute(c.output(), c.labels(), new RowWeights(ones, ROWS));
            assertArrayEquals(plain, weighted.gradient().dup().data().asFloat(), c.loss().name());
            assertEquals(c.loss().compute(c.output(), c.labels()).loss(), weighted.loss(), 1e-6, c.loss().name());
        }
    }

    @Test
    void theNormaliserScalesLossAndGradient() {
        for (Case c : cases(DataType.DOUBLE)) {
            INDArray w = Nd4j.create(new double[] {0.5, 2.0, 1.0, 3.25, 0.1});
            LossResult own = c.loss().compute(c.output(), c.labels(), RowWeights.ofBatch(w));
            INDArray ownGradient = own.gradient().dup();   // softmax cross-entropy reuses its gradient array
            LossResult half = c.loss().compute(c.output(), c.labels(), new RowWeights(w, 2 * w.sumNumber().doubleValue()));
            assertEquals(own.loss() / 2, half.loss(), 1e-12, c.loss().name());
            assertTrue(ownGradient.divi(2).equalsWithEps(half.gradient(), 1e-15), c.loss().name());
        }
    }

    @Test
    void aBadNormaliserOrWeightCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RowWeights(null, 0));
        assertThrows(IllegalArgumentException.class, () -> new RowWeights(null, Double.NaN));
        Case c = cases(DataType.DOUBLE).get(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.loss().compute(c.output(), c.labels(), RowWeights.ofBatch(Nd4j.ones(DataType.DOUBLE, 4))));
        assertTrue(e.getMessage().contains("5 weights"), e.getMessage());
    }
}
