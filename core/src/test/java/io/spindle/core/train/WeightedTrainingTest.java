package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sample weights through the single-process trainer: what a weight means, and that unit weights change nothing. */
class WeightedTrainingTest {
    private static final ModelConfig CLASSIFIER = new ModelConfig(new long[] {6},
            List.of(Dense.Config.of(8, ActivationFunction.TANH), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final ModelConfig REGRESSOR = new ModelConfig(new long[] {6},
            List.of(Dense.Config.of(8, ActivationFunction.TANH), Dense.Config.of(1, ActivationFunction.IDENTITY)));

    private static Dataset classes(int n) {
        return new Dataset(TestArrays.gaussian(1, DataType.FLOAT, n, 6), TestArrays.classes(2, DataType.FLOAT, n, 3), new long[] {6}, 3);
    }

    private static Dataset targets(int n) {
        return new Dataset(TestArrays.gaussian(3, DataType.FLOAT, n, 6), TestArrays.gaussian(4, DataType.FLOAT, n, 1), new long[] {6}, 0);
    }

    private static float[] train(ModelConfig model, Loss loss, Dataset rows, int batch, boolean shuffle) {
        Network net = Network.initialized(model, 9, DataType.FLOAT);
        new Trainer(net, loss, OptimizerConfig.adam(0.01).create(net.layout(), DataType.FLOAT),
                new TrainingConfig(4, batch, 5, shuffle, null)).fit(rows, null, TrainingListener.NONE);
        return net.params().toFloatVector();
    }

    /** {@code rows} with row {@code twice} weighted 2, and {@code rows} with that row repeated right after it. */
    private static void assertWeightTwoIsTheRowDuplicated(ModelConfig model, Loss loss, Dataset rows, int twice) {
        int n = rows.size();
        INDArray w = Nd4j.ones(DataType.FLOAT, n, 1).putScalar(twice, 0, 2f);
        int[] order = new int[n + 1];
        for (int i = 0, at = 0; i < n; i++) {
            order[at++] = i;
            if (i == twice) order[at++] = i;
        }
        Dataset duplicated = new Dataset(Nd4j.pullRows(rows.features(), 1, order), Nd4j.pullRows(rows.labels(), 1, order),
                rows.sampleShape(), rows.numClasses());
        // One batch per epoch, so both runs take the same rows together.
        float[] weighted = train(model, loss, rows.withWeights(w, "w"), 64, false);
        float[] plain = train(model, loss, duplicated, 64, false);
        for (int i = 0; i < plain.length; i++) assertEquals(plain[i], weighted[i], 1e-6, loss.name() + " parameter " + i);
        assertNotEquals(weighted[0], train(model, loss, rows, 64, false)[0], "the weight matters");
    }

    @Test
    void aWeightOfTwoTrainsAsTheRowDuplicated() {
        assertWeightTwoIsTheRowDuplicated(CLASSIFIER, Loss.softmaxCrossEntropy(), classes(40), 7);
        assertWeightTwoIsTheRowDuplicated(REGRESSOR, Loss.meanSquaredError(), targets(40), 12);
    }

    @Test
    void unitWeightsTrainToTheUnweightedBits() {
        Dataset rows = classes(50);
        float[] plain = train(CLASSIFIER, Loss.softmaxCrossEntropy(), rows, 16, true);
        float[] ones = train(CLASSIFIER, Loss.softmaxCrossEntropy(), rows.withWeights(Nd4j.ones(DataType.FLOAT, 50), "w"), 16, true);
        assertArrayEquals(plain, ones);
        Dataset values = targets(50);
        assertArrayEquals(train(REGRESSOR, Loss.meanSquaredError(), values, 16, true),
                train(REGRESSOR, Loss.meanSquaredError(), values.withWeights(Nd4j.ones(DataType.FLOAT, 50), "w"), 16, true));
    }

    @Test
    void zeroNegativeAndNanWeightsAreRefusedNamingTheColumn() {
        for (float bad : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            INDArray w = Nd4j.ones(DataType.FLOAT, 10).putScalar(4, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classes(10).withWeights(w, "importance"));
            assertTrue(e.getMessage().contains("\"importance\"") && e.getMessage().contains("row 4") && e.getMessage().contains("> 0"), e.getMessage());
        }
    }

    @Test
    void weightsTravelWithTheirRowsThroughTheSampler() {
        int n = 23;
        float[] ids = new float[n], weights = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
            weights[i] = i + 1;
        }
        Dataset rows = new Dataset(Nd4j.create(ids, n, 1), Nd4j.create(ids, n, 1), new long[] {1}, 0).withWeights(Nd4j.create(weights), "w");
        BatchSampler sampler = new BatchSampler(rows, 5, new GlobalOrder(new io.spindle.core.data.VirtualShards(n, 1), 5, 3, true).whole());
        sampler.startEpoch(2);
        for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
            double sum = sampler.weightSum(b);
            BatchSampler.Batch batch = sampler.batch(b);
            assertArrayEquals(batch.labels().add(1).toFloatVector(), batch.weights().toFloatVector(), "row i weighs i + 1");
            assertEquals(batch.weights().sumNumber().doubleValue(), sum, 1e-9);
        }
        BatchSampler unweighted = new BatchSampler(classes(13), 5, RowOrder.source(13));
        unweighted.startEpoch(0);
        assertEquals(3.0, unweighted.weightSum(2), "an unweighted batch's sum is its row count");
    }
}
