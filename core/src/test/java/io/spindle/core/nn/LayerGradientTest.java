package io.spindle.core.nn;

import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every layer's parameter and input gradients against central differences in double precision. */
class LayerGradientTest {
    private static final GradientChecker CHECK = GradientChecker.standard();

    private static void checkBoth(Network net, Loss loss, INDArray x, INDArray y, GradientChecker checker) {
        GradientChecker.Result params = checker.checkParameters(net, loss, x, y);
        assertTrue(params.passed(), "parameters " + params);
        assertTrue(params.checked() == net.numParams());
        GradientChecker.Result input = checker.checkInput(net, loss, x, y);
        assertTrue(input.passed(), "input " + input);
    }

    @Test
    void denseWithBias() {
        ModelConfig cfg = new ModelConfig(new long[] {5}, List.of(Dense.Config.of(4, ActivationFunction.IDENTITY)));
        Network net = Network.initialized(cfg, 1, DataType.DOUBLE);
        checkBoth(net, Loss.meanSquaredError(), TestArrays.gaussian(2, DataType.DOUBLE, 3, 5),
                TestArrays.gaussian(3, DataType.DOUBLE, 3, 4), CHECK);
    }

    @Test
    void denseWithoutBias() {
        Dense.Config d = new Dense.Config(3, ActivationFunction.IDENTITY, 0, Initializer.HE_NORMAL, Initializer.ZEROS, false);
        Network net = Network.initialized(new ModelConfig(new long[] {4}, List.of(d)), 1, DataType.DOUBLE);
        checkBoth(net, Loss.meanSquaredError(), TestArrays.gaussian(4, DataType.DOUBLE, 2, 4),
                TestArrays.gaussian(5, DataType.DOUBLE, 2, 3), CHECK);
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void everyActivation(ActivationFunction f) {
        ModelConfig cfg = new ModelConfig(new long[] {4}, List.of(
                Dense.Config.of(6, ActivationFunction.IDENTITY),
                new ActivationLayer.Config(f, f.defaultAlpha() == 0 ? 0 : 0.3),
                Dense.Config.of(3, ActivationFunction.IDENTITY)));
        Network net = Network.initialized(cfg, 7, DataType.DOUBLE);
        checkBoth(net, Loss.meanSquaredError(), TestArrays.gaussian(8, DataType.DOUBLE, 4, 4),
                TestArrays.gaussian(9, DataType.DOUBLE, 4, 3), CHECK);
    }

    @Test
    void dropoutWithAFixedMask() {
        ModelConfig cfg = new ModelConfig(new long[] {6}, List.of(
                Dense.Config.of(8, ActivationFunction.TANH), new Dropout.Config(0.4), Dense.Config.of(2, ActivationFunction.IDENTITY)));
        Network net = Network.initialized(cfg, 3, DataType.DOUBLE);
        Dropout dropout = (Dropout) net.layers().stream().filter(l -> l instanceof Dropout).findFirst().orElseThrow();
        checkBoth(net, Loss.meanSquaredError(), TestArrays.gaussian(10, DataType.DOUBLE, 5, 6),
                TestArrays.gaussian(11, DataType.DOUBLE, 5, 2), CHECK.withBeforeForward(() -> dropout.reseed(99)));
    }

    @Test
    void flattenAndReshapeRouteGradientsUnchanged() {
        ModelConfig cfg = new ModelConfig(new long[] {2, 3, 2}, List.of(
                new Flatten.Config(), new Reshape.Config(new long[] {3, 4}), new Flatten.Config(),
                Dense.Config.of(3, ActivationFunction.SIGMOID)));
        Network net = Network.initialized(cfg, 5, DataType.DOUBLE);
        checkBoth(net, Loss.meanSquaredError(), TestArrays.gaussian(12, DataType.DOUBLE, 3, 2, 3, 2),
                TestArrays.gaussian(13, DataType.DOUBLE, 3, 3), CHECK);
    }

    @Test
    void rescaling() {
        ModelConfig cfg = new ModelConfig(new long[] {3}, List.of(new Rescaling.Config(-2.5, 0.7),
                Dense.Config.of(2, ActivationFunction.TANH)));
        Network net = Network.initialized(cfg, 4, DataType.DOUBLE);
        checkBoth(net, Loss.meanSquaredError(), TestArrays.gaussian(14, DataType.DOUBLE, 4, 3),
                TestArrays.gaussian(15, DataType.DOUBLE, 4, 2), CHECK);
    }

    @Test
    void aWrongGradientIsCaught() {
        // The checker must be able to fail: scale one analytic gradient and expect a failure.
        ModelConfig cfg = new ModelConfig(new long[] {3}, List.of(Dense.Config.of(2, ActivationFunction.IDENTITY)));
        Network net = Network.initialized(cfg, 1, DataType.DOUBLE);
        Loss doubled = new Loss() {
            final Loss mse = Loss.meanSquaredError();
            public io.spindle.core.loss.LossResult compute(INDArray o, INDArray l, io.spindle.core.loss.RowWeights w) {
                var r = mse.compute(o, l, w);
                return new io.spindle.core.loss.LossResult(r.loss(), r.gradient().mul(2));
            }
            public INDArray predict(INDArray o) { return o; }
            public boolean classification() { return false; }
            public String name() { return "wrong"; }
        };
        GradientChecker.Result r = CHECK.checkParameters(net, doubled, TestArrays.gaussian(1, DataType.DOUBLE, 2, 3),
                TestArrays.gaussian(2, DataType.DOUBLE, 2, 2));
        assertTrue(!r.passed(), r.toString());
    }
}
