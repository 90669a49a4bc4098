package io.spindle.core.model;

import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.loss.Loss;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Conv2D;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.Flatten;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.MergeConfig;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Merge nodes, fan-out and several inputs against central differences in double precision. */
class GraphGradientTest {
    private static final GradientChecker CHECK = GradientChecker.standard();

    private static LayerConfig dense(int units, ActivationFunction f) {
        return Dense.Config.of(units, f);
    }

    /** x → a = tanh(dense), b = sigmoid(dense) → merge(a, b) → dense 3. */
    private static ModelConfig twoBranches(MergeConfig merge) {
        return new ModelConfig(List.of(new ModelInput("x", new long[] {5})), List.of(
                GraphNode.of("a", dense(4, ActivationFunction.TANH), "x"),
                GraphNode.of("b", dense(4, ActivationFunction.SIGMOID), "x"),
                GraphNode.of("m", merge, List.of("a", "b")),
                GraphNode.of("out", dense(3, ActivationFunction.IDENTITY), "m")), "out");
    }

    private static void checkBoth(ModelConfig cfg, long inputWidth, long outputs) {
        Network net = Network.initialized(cfg, 11, DataType.DOUBLE);
        INDArray x = TestArrays.gaussian(1, DataType.DOUBLE, 3, inputWidth);
        INDArray y = TestArrays.gaussian(2, DataType.DOUBLE, 3, outputs);
        GradientChecker.Result params = CHECK.checkParameters(net, Loss.meanSquaredError(), x, y);
        assertTrue(params.passed(), "parameters " + params);
        assertEquals(net.numParams(), params.checked());
        GradientChecker.Result input = CHECK.checkInput(net, Loss.meanSquaredError(), x, y);
        assertTrue(input.passed(), "input " + input);
    }

    @Test
    void add() {
        checkBoth(twoBranches(MergeConfig.add()), 5, 3);
    }

    @Test
    void multiply() {
        checkBoth(twoBranches(MergeConfig.multiply()), 5, 3);
    }

    @Test
    void concatenateFeatures() {
        checkBoth(twoBranches(MergeConfig.concatenate()), 5, 3);
    }

    @Test
    void concatenateChannels() {
        ModelConfig cfg = new ModelConfig(List.of(new ModelInput("img", new long[] {2, 4, 4})), List.of(
                GraphNode.of("c1", Conv2D.Config.of(3, 3, "same", ActivationFunction.TANH), "img"),
                GraphNode.of("c2", Conv2D.Config.of(2, 1, "same", ActivationFunction.IDENTITY), "img"),
                GraphNode.of("cat", MergeConfig.concatenate(), List.of("c1", "c2")),
                GraphNode.of("flat", new Flatten.Config(), "cat"),
                GraphNode.of("out", dense(2, ActivationFunction.IDENTITY), "flat")), "out");
        assertEquals(List.of(5L, 4L, 4L), boxed(cfg.plan().outputShape(2)));
        checkBoth(cfg, 32, 2);
    }

    /**
     * h feeds two consumers whose outputs are added: h's weights only get the right gradient when both
     * consumers' gradients are summed into h's output gradient (taking either alone fails this check).
     */
    @Test
    void aNodeFeedingTwoConsumersSumsTheirGradients() {
        ModelConfig cfg = new ModelConfig(List.of(new ModelInput("x", new long[] {4})), List.of(
                GraphNode.of("h", dense(5, ActivationFunction.TANH), "x"),
                GraphNode.of("a", dense(3, ActivationFunction.SIGMOID), "h"),
                GraphNode.of("b", dense(3, ActivationFunction.TANH), "h"),
                GraphNode.of("sum", MergeConfig.add(), List.of("a", "b", "h2")),
                GraphNode.of("h2", dense(3, ActivationFunction.IDENTITY), "h"),
                GraphNode.of("out", dense(2, ActivationFunction.IDENTITY), "sum")), "out");
        checkBoth(cfg, 4, 2);
    }

    @Test
    void twoInputs() {
        ModelConfig cfg = new ModelConfig(List.of(new ModelInput("a", new long[] {3}), new ModelInput("b", new long[] {2, 2})), List.of(
                GraphNode.of("fa", dense(4, ActivationFunction.TANH), "a"),
                GraphNode.of("flat", new Flatten.Config(), "b"),
                GraphNode.of("fb", dense(2, ActivationFunction.SIGMOID), "flat"),
                GraphNode.of("cat", MergeConfig.concatenate(), List.of("fa", "fb", "a")),
                GraphNode.of("out", dense(2, ActivationFunction.IDENTITY), "cat")), "out");
        assertEquals(List.of(7L), boxed(cfg.inputShape()));
        checkBoth(cfg, 7, 2);
    }

    private static List<Long> boxed(long[] a) {
        List<Long> out = new ArrayList<>();
        for (long v : a) out.add(v);
        return out;
    }
}
