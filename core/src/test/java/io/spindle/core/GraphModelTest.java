package io.spindle.core;

import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Dataset;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.nn.BatchNorm;
import io.spindle.core.nn.Layers;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A residual graph from the builder learns, saves and loads like a stack; a doubled softmax or sigmoid is refused. */
class GraphModelTest {

    private static Graph.Builder residual() {
        return Graph.builder().input("img", 1, 28, 28)
                .node("stem", Layers.conv2d(8, 3, 2, "same", "relu"), "img")
                .node("c1", Layers.conv2d(8, 3, "same", "relu"), "stem")
                .node("bn1", new BatchNorm.Config(0.9, 1e-3), "c1")
                .node("c2", Layers.conv2d(8, 3, "same", "identity"), "bn1")
                .node("sum", Layers.add(), "stem", "c2")
                .node("relu", Layers.activation("relu"), "sum")
                .node("proj", Layers.conv2d(16, 1, 2, "same", "identity"), "relu")
                .node("c3", Layers.conv2d(16, 3, 2, "same", "relu"), "relu")
                .node("sum2", Layers.add(), "proj", "c3")
                .node("flat", Layers.flatten(), "sum2")
                .node("logits", Layers.dense(10), "flat")
                .output("logits").optimizer(OptimizerConfig.adam(3e-3)).seed(7);
    }

    @Test
    void aResidualGraphLearnsAndRoundTripsThroughTheModelFile(@TempDir Path dir) throws Exception {
        Dataset train = FashionMini.train(), test = FashionMini.test();
        Sequential model = residual().build();
        model.fit(train, null, TrainingConfig.of(2, 32, 1), TrainingListener.NONE);
        Evaluation e = model.evaluate(test);
        assertTrue(e.accuracy() > 0.7, "accuracy " + e.accuracy());

        Path file = dir.resolve("graph.spindle");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(model.network().config(), loaded.network().config());
        INDArray before = model.predict(test.features()), after = loaded.predict(test.features());
        assertArrayEquals(before.data().asFloat(), after.data().asFloat(), "bit-identical predictions");
        assertEquals(loaded.parameter("c3.W"), model.parameter("c3.W"));
        assertArrayEquals(new long[] {3, 3, 8, 16}, model.parameter("c3.W").shape());
    }

    @Test
    void theBuilderAndTheJobFileFormDescribeOneModel() {
        ModelConfig built = residual().config();
        assertEquals(built, ModelConfig.fromJson(new ConfigNode(built.toJson(), "model")));
    }

    @Test
    void aSoftmaxBeforeSoftmaxCrossEntropyIsRefusedNamingTheLayer() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Sequential.builder(784).dense(32, "relu").dense(10, "softmax").loss("softmax_cross_entropy").build());
        assertTrue(e.getMessage().startsWith("model.layers[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("applies softmax itself"), e.getMessage());
        ConfigException s = assertThrows(ConfigException.class, () -> Graph.builder().input("x", 4)
                .node("h", Layers.dense(3), "x").node("p", Layers.activation("sigmoid"), "h").loss("binary_cross_entropy").build());
        assertTrue(s.getMessage().startsWith("model.nodes[1] (p)") && s.getMessage().contains("sigmoid"), s.getMessage());
        // A softmax is fine where the loss does not apply one.
        Graph.builder().input("x", 4).node("p", Layers.dense(3, "softmax"), "x").loss("mse").build();
    }
}
