package io.spindle.core.model;

import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.BatchNorm;
import io.spindle.core.nn.Conv2D;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.Dropout;
import io.spindle.core.nn.Flatten;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.Recurrent;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stack and the same chain written as a graph train to the same bits; parameters are read and set by name. */
class GraphNetworkTest {
    private static final List<LayerConfig> CNN = List.of(Conv2D.Config.of(4, 3, "same", ActivationFunction.RELU),
            BatchNorm.Config.defaults(), new Dropout.Config(0.2), new Flatten.Config(), Dense.Config.of(3, ActivationFunction.IDENTITY));

    private static float[] trainThreeSteps(ModelConfig cfg) {
        Network net = Network.initialized(cfg, 42, DataType.FLOAT);
        Optimizer opt = OptimizerConfig.adam(1e-2).create(net.layout(), DataType.FLOAT);
        Loss loss = Loss.softmaxCrossEntropy();
        for (int step = 0; step < 3; step++) {
            INDArray x = TestArrays.gaussian(step, DataType.FLOAT, 8, 1, 6, 6);
            LossResult r = loss.compute(net.forward(x, true), TestArrays.classes(step + 10, DataType.FLOAT, 8, 3));
            net.backward(r.gradient());
            opt.step(net.params(), net.grads());
        }
        return net.params().toFloatVector();
    }

    @Test
    void aStackAndTheSameChainAsAGraphGiveTheSameBits() {
        ModelConfig stack = new ModelConfig(new long[] {1, 6, 6}, CNN);
        List<GraphNode> nodes = new ArrayList<>();
        String[] names = {"c1", "bn", "drop", "flat", "logits"};
        for (int i = 0; i < CNN.size(); i++) nodes.add(GraphNode.of(names[i], CNN.get(i), i == 0 ? "img" : names[i - 1]));
        ModelConfig graph = new ModelConfig(List.of(new ModelInput("img", new long[] {1, 6, 6})), nodes, "logits");
        assertTrue(stack.isChain() && !graph.isChain());
        assertArrayEquals(trainThreeSteps(stack), trainThreeSteps(graph));
    }

    @Test
    void parametersHaveNamesShapesAndViews() {
        ModelConfig cfg = new ModelConfig(List.of(new ModelInput("seq", new long[] {5, 3})), List.of(
                GraphNode.of("lstm", Recurrent.Config.of(Recurrent.Kind.LSTM, 4, false), "seq"),
                GraphNode.of("out", Dense.Config.of(2, ActivationFunction.SOFTMAX), "lstm")), "out");
        Network net = Network.initialized(cfg, 1, DataType.FLOAT);
        List<String> names = net.parameters().stream().map(NamedParameter::name).toList();
        assertEquals(List.of("lstm.W", "lstm.U", "lstm.b_i", "lstm.b_f", "lstm.b_o", "lstm.b_g", "out.W", "out.b"), names);
        assertArrayEquals(new long[] {4, 3, 4}, net.parameter("lstm.W").shape());
        assertArrayEquals(new long[] {4, 2}, net.parameter("out.W").shape());

        INDArray w = Nd4j.arange(8).castTo(DataType.FLOAT).reshape(4, 2);
        net.setParameter("out.W", w);
        assertEquals(w, net.parameter("out.W"));
        long at = net.parameters().get(6).offset();
        assertEquals(7f, net.params().getFloat(at + 7));
        net.parameter("out.b").assign(0.5);
        assertEquals(0.5f, net.params().getFloat(at + 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.parameter("out.w"));
        assertTrue(e.getMessage().contains("out.W"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.setParameter("out.b", Nd4j.zeros(3)));
    }

    @Test
    void compositeLayersNameTheirInnerParameters() {
        ModelConfig cfg = new ModelConfig(List.of(new ModelInput("seq", new long[] {4, 8})), List.of(
                GraphNode.of("enc", io.spindle.core.nn.TransformerEncoderBlock.Config.of(2, 16), "seq")), "enc");
        List<String> names = Network.initialized(cfg, 1, DataType.FLOAT).parameters().stream().map(NamedParameter::name).toList();
        assertTrue(names.contains("enc.0.attention.1.multi_head_attention.Wqkv"), names.toString());
        assertTrue(names.contains("enc.1.feed_forward.0.layer_norm.gain"), names.toString());
    }

    @Test
    void aStackNamesItsNodesByTypeAndIndex() {
        Network net = Network.initialized(new ModelConfig(new long[] {1}, List.of(Dense.Config.of(1, ActivationFunction.IDENTITY))), 1, DataType.FLOAT);
        assertEquals(List.of("dense_0.W", "dense_0.b"), net.parameters().stream().map(NamedParameter::name).toList());
    }
}
