package io.spindle.core;

import io.spindle.core.data.Dataset;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Keras-like API end to end on real (subset) data: fit, evaluate, predict, save, load. */
class SequentialTest {

    private static Sequential mlp(long seed) {
        return Sequential.builder(784).dense(64, "relu").dropout(0.1).dense(10)
                .loss("softmax_cross_entropy").optimizer(OptimizerConfig.adam(1e-3)).seed(seed).build();
    }

    @Test
    void fitLearnsAndSaveLoadPredictIsIdentical(@TempDir Path dir) throws Exception {
        Dataset train = FashionMini.train(), test = FashionMini.test();
        Sequential model = mlp(1);
        History h = model.fit(train, test, TrainingConfig.of(3, 64, 1), TrainingListener.NONE);
        assertEquals(3, h.epochs().size());
        assertTrue(h.last().trainLoss() < h.epochs().get(0).trainLoss(), "loss falls");
        Evaluation e = model.evaluate(test);
        assertTrue(e.accuracy() > 0.7, "accuracy " + e.accuracy());
        assertEquals(e.accuracy(), h.last().validationAccuracy(), 1e-12, "validation = evaluate");

        Path file = dir.resolve("m.spindle");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        INDArray before = model.predict(test.features());
        INDArray after = loaded.predict(test.features());
        assertArrayEquals(before.data().asFloat(), after.data().asFloat(), "bit-identical predictions");
        assertEquals(10, before.size(1));
        assertEquals(1.0, before.getRow(0).sumNumber().doubleValue(), 1e-5);
        assertEquals(train.fingerprint(), model.toSavedModel(1).provenance().dataFingerprint());
    }

    @Test
    void sameSeedSameParametersDifferentSeedDifferent() throws Exception {
        Dataset train = FashionMini.train().rows(0, 512);
        float[][] p = new float[3][];
        long[] seeds = {5, 5, 6};
        for (int i = 0; i < 3; i++) {
            Sequential m = mlp(seeds[i]);
            m.fit(train, null, TrainingConfig.of(2, 32, seeds[i]), TrainingListener.NONE);
            p[i] = m.network().params().toFloatVector();
        }
        assertArrayEquals(p[0], p[1], "same seed: bit-identical");
        assertTrue(!java.util.Arrays.equals(p[0], p[2]), "another seed differs");
    }
}
