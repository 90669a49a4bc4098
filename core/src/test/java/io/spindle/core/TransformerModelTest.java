package io.spindle.core;

import io.spindle.core.data.Dataset;
import io.spindle.core.nn.Rescaling;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attention models through the Java builder: they learn, and a saved model predicts bit-identically after loading. */
class TransformerModelTest {

    @Test
    void imageRowsAsTokensLearnAndRoundTrip(@TempDir Path dir) throws Exception {
        Dataset train = FashionMini.train(), test = FashionMini.test();
        Sequential model = Sequential.builder(784).add(new Rescaling.Config(2.8329, -0.8102)).reshape(28, 28)
                .dense(32).positionalEncoding("sinusoidal").transformerEncoder(4, 64).sequencePool("mean").dense(10)
                .optimizer(OptimizerConfig.adam(1e-3)).seed(3).build();
        History h = model.fit(train, test, TrainingConfig.of(3, 32, 3), TrainingListener.NONE);
        assertTrue(h.last().trainLoss() < h.epochs().get(0).trainLoss(), "loss falls");
        assertTrue(h.last().validationAccuracy() > 0.65, "accuracy " + h.last().validationAccuracy());
        assertSameAfterLoading(model, test.features(), dir.resolve("tf.spindle"));
    }

    @Test
    void tokenModelRoundTrips(@TempDir Path dir) throws Exception {
        Sequential model = Sequential.builder(6).embedding(11, 8).positionalEncoding("learned").multiHeadAttention(2, true)
                .layerNorm().sequencePool("last").dense(3).seed(9).build();
        INDArray ids = Nd4j.create(new double[] {0, 1, 2, 3, 4, 5, 10, 9, 8, 7, 6, 5}, new long[] {2, 6}, 'c').castTo(DataType.FLOAT);
        assertSameAfterLoading(model, ids, dir.resolve("tokens.spindle"));
    }

    private static void assertSameAfterLoading(Sequential model, INDArray features, Path file) throws Exception {
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(model.network().config(), loaded.network().config());
        assertArrayEquals(model.predict(features).data().asFloat(), loaded.predict(features).data().asFloat(), "bit-identical predictions");
    }
}
