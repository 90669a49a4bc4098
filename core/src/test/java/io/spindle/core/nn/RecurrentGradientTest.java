package io.spindle.core.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SimpleRNN, LSTM and GRU against central differences in double precision, last step and whole sequence. */
class RecurrentGradientTest {
    private static final GradientChecker CHECK = GradientChecker.standard();
    private static final long B = 3, T = 4, F = 3;

    private static Network net(String layersJson) throws Exception {
        String json = "{\"input_shape\": [" + T + ", " + F + "], \"layers\": " + layersJson + "}";
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "model"));
        assertEquals(cfg, ModelConfig.fromJson(new ConfigNode(cfg.toJson(), "model")), "JSON round trip");
        Network n = Network.initialized(cfg, 3, DataType.DOUBLE);
        // Non-zero biases, so that a bias gradient routed to the wrong gate block shows.
        n.params().addi(TestArrays.gaussian(5, DataType.DOUBLE, n.numParams()).muli(0.1));
        return n;
    }

    @ParameterizedTest
    @CsvSource({"simple_rnn, false", "simple_rnn, true", "lstm, false", "lstm, true", "gru, false", "gru, true"})
    void inputAndParameterGradients(String type, boolean sequences) throws Exception {
        String rnn = "{\"type\": \"" + type + "\", \"units\": 4, \"return_sequences\": " + sequences + "}";
        Network n = net("[" + rnn + (sequences ? ", {\"type\": \"flatten\"}" : "") + ", {\"type\": \"dense\", \"units\": 2}]");
        INDArray x = TestArrays.gaussian(21, DataType.DOUBLE, B, T, F);
        INDArray y = TestArrays.gaussian(22, DataType.DOUBLE, B, 2);
        GradientChecker.Result p = CHECK.checkParameters(n, Loss.meanSquaredError(), x, y);
        assertTrue(p.passed(), "parameters " + p);
        assertEquals(n.numParams(), p.checked());
        GradientChecker.Result i = CHECK.checkInput(n, Loss.meanSquaredError(), x, y);
        assertTrue(i.passed(), "input " + i);
    }

    @Test
    void stackedLayersPassGradientsThroughSequences() throws Exception {
        Network n = net("[{\"type\": \"gru\", \"units\": 3, \"return_sequences\": true}, {\"type\": \"lstm\", \"units\": 3}, {\"type\": \"dense\", \"units\": 2}]");
        INDArray x = TestArrays.gaussian(23, DataType.DOUBLE, 2, T, F);
        INDArray y = TestArrays.gaussian(24, DataType.DOUBLE, 2, 2);
        assertTrue(CHECK.checkParameters(n, Loss.meanSquaredError(), x, y).passed());
        assertTrue(CHECK.checkInput(n, Loss.meanSquaredError(), x, y).passed());
    }

    @Test
    void lastStepEqualsTheSequencesLastRowAndShapesFollowKeras() throws Exception {
        Network last = net("[{\"type\": \"lstm\", \"units\": 5}]");
        Network seq = Network.withParams(ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(
                "{\"input_shape\": [4, 3], \"layers\": [{\"type\": \"lstm\", \"units\": 5, \"return_sequences\": true}]}"), "model")),
                last.params(), 3);
        assertArrayEquals(new long[] {5}, last.outputShape());
        assertArrayEquals(new long[] {T, 5}, seq.outputShape());
        INDArray x = TestArrays.gaussian(25, DataType.DOUBLE, B, T, F);
        INDArray h = last.forward(x, false).dup();
        INDArray all = seq.forward(x, false);
        assertEquals(h, all.get(NDArrayIndex.all(), NDArrayIndex.point(T - 1), NDArrayIndex.all()));
        // An earlier step does not see later inputs.
        INDArray x2 = x.dup();
        x2.get(NDArrayIndex.all(), NDArrayIndex.point(T - 1), NDArrayIndex.all()).addi(1.0);
        INDArray all2 = seq.forward(x2, false);
        assertEquals(all.get(NDArrayIndex.all(), NDArrayIndex.interval(0, T - 1), NDArrayIndex.all()).dup(),
                all2.get(NDArrayIndex.all(), NDArrayIndex.interval(0, T - 1), NDArrayIndex.all()).dup());
    }

    @Test
    void lstmForgetBiasStartsAtOne() throws Exception {
        Network n = Network.initialized(ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(
                "{\"input_shape\": [4, 3], \"layers\": [{\"type\": \"lstm\", \"units\": 2}]}"), "model")), 1, DataType.FLOAT);
        // W [4, 3, 2], U [4, 2, 2], then b = [i, f, o, g] blocks of 2.
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0}, n.params().get(NDArrayIndex.interval(40, 48)).toFloatVector());
    }

    @Test
    void configErrorsNameTheField() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> net("[{\"type\": \"gru\", \"units\": 2, \"unit_forget_bias\": true}]"));
        assertTrue(e.getMessage().contains("unit_forget_bias"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> net("[{\"type\": \"lstm\", \"units\": 0}]"));
        assertTrue(e.getMessage().contains("units"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> Network.initialized(ModelConfig.fromJson(
                new ConfigNode(new ObjectMapper().readTree("{\"input_shape\": [12], \"layers\": [{\"type\": \"lstm\", \"units\": 2}]}"), "model")),
                1, DataType.FLOAT));
        assertTrue(shape.getMessage().contains("[time, features]"), shape.getMessage());
    }
}
