package io.spindle.core.train;

import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.model.ParamLayout;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A forced NaN or Inf in one block of the gradient is reported with that block's layer and the step. */
class DivergenceTest {
    private static final ModelConfig MLP = new ModelConfig(new long[] {5},
            List.of(Dense.Config.of(7, ActivationFunction.RELU), Dense.Config.of(4, ActivationFunction.RELU), Dense.Config.of(3, ActivationFunction.IDENTITY)));

    @Test
    void namesTheBlockWhoseGradientWentBad() {
        Network net = Network.initialized(MLP, 1, DataType.FLOAT);
        net.grads().assign(Nd4j.rand(DataType.FLOAT, net.numParams()));
        assertDoesNotThrow(() -> Divergence.checkGradients(net, "at step 1"));
        ParamLayout.Block layer1W = net.layout().blocks().get(2);
        net.grads().putScalar(layer1W.offset() + 3, Float.NaN);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Divergence.checkGradients(net, "at epoch 3, step 9"));
        assertTrue(e.getMessage().startsWith("the gradient of " + layer1W.label() + " became NaN at epoch 3, step 9"), e.getMessage());
        assertTrue(layer1W.label().startsWith("layer 1 (dense)"), layer1W.label());

        net.grads().putScalar(layer1W.offset() + 3, 0);
        net.grads().putScalar(net.numParams() - 1, Float.NEGATIVE_INFINITY);
        e = assertThrows(TrainingDivergedException.class, () -> Divergence.checkGradients(net, "at step 2"));
        assertTrue(e.getMessage().contains("layer 2 (dense)") && e.getMessage().contains("infinite"), e.getMessage());
    }

    @Test
    void aSumThatOverflowsFromFiniteValuesIsNotDivergence() {
        Network net = Network.initialized(MLP, 1, DataType.FLOAT);
        net.grads().assign(3e38f);
        assertDoesNotThrow(() -> Divergence.checkGradients(net, "at step 1"));
    }
}
