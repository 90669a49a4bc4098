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
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attention family against central differences in double precision, input and parameter gradients. */
class AttentionGradientTest {
    private static final GradientChecker CHECK = GradientChecker.standard();
    private static final String HEAD = ", {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]";

    private static Network net(String layersJson, long... inputShape) throws Exception {
        String json = "{\"input_shape\": " + Arrays.toString(inputShape) + ", \"layers\": " + layersJson + "}";
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "model"));
        assertEquals(cfg, ModelConfig.fromJson(new ConfigNode(cfg.toJson(), "model")), "JSON round trip");
        return Network.initialized(cfg, 3, DataType.DOUBLE);
    }

    private static void check(Network net, INDArray input, GradientChecker checker) {
        INDArray target = TestArrays.gaussian(22, DataType.DOUBLE, input.size(0), net.outputShape()[0]);
        GradientChecker.Result p = checker.checkParameters(net, Loss.meanSquaredError(), input, target);
        assertTrue(p.passed(), "parameters " + p);
        assertEquals(net.numParams(), p.checked());
        GradientChecker.Result i = checker.checkInput(net, Loss.meanSquaredError(), input, target);
        assertTrue(i.passed(), "input " + i);
    }

    private static void check(Network net, long batch, long... inputShape) {
        check(net, TestArrays.gaussian(21, DataType.DOUBLE, Buffers.withBatch(batch, inputShape)), CHECK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": \"dense\", \"units\": 5, \"activation\": \"tanh\"}",
            "{\"type\": \"layer_norm\"}",
            "{\"type\": \"positional_encoding\"}",
            "{\"type\": \"positional_encoding\", \"mode\": \"sinusoidal\"}",
            "{\"type\": \"multi_head_attention\", \"heads\": 2}",
            "{\"type\": \"multi_head_attention\", \"heads\": 2, \"causal\": true}",
            "{\"type\": \"multi_head_attention\", \"heads\": 3, \"key_size\": 2, \"use_bias\": false}",
            "{\"type\": \"transformer_encoder\", \"heads\": 2, \"ff_units\": 6}",
            "{\"type\": \"transformer_encoder\", \"heads\": 2, \"ff_units\": 6, \"norm\": \"post\", \"activation\": \"gelu\", \"causal\": true}"})
    void layerOverASequence(String layer) throws Exception {
        check(net("[" + layer + HEAD, 3, 4), 2, 3, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mean", "last"})
    void sequencePool(String mode) throws Exception {
        Network n = net("[{\"type\": \"sequence_pool\", \"mode\": \"" + mode + "\"}, {\"type\": \"dense\", \"units\": 2, \"activation\": \"tanh\"}]", 3, 4);
        assertArrayEquals(new long[] {2}, n.outputShape());
        check(n, 2, 3, 4);
    }

    @Test
    void layerNormOnFlatRows() throws Exception {
        check(net("[{\"type\": \"dense\", \"units\": 5}, {\"type\": \"layer_norm\", \"epsilon\": 0.001}, {\"type\": \"dense\", \"units\": 2}]", 4), 3, 4);
    }

    @Test
    void wholeEncoderStackWithDropout() throws Exception {
        Network n = net("[{\"type\": \"dense\", \"units\": 4}, {\"type\": \"positional_encoding\", \"mode\": \"sinusoidal\"},"
                + "{\"type\": \"transformer_encoder\", \"heads\": 2, \"ff_units\": 5, \"dropout\": 0.3},"
                + "{\"type\": \"transformer_encoder\", \"heads\": 2, \"ff_units\": 5, \"activation\": \"gelu\"},"
                + "{\"type\": \"sequence_pool\"}, {\"type\": \"dense\", \"units\": 2}]", 3, 2);
        TransformerEncoderBlock block = (TransformerEncoderBlock) n.layers().get(2);
        Runnable reseed = () -> block.layers().stream().flatMap(l -> ((Residual) l).layers().stream())
                .filter(l -> l instanceof Dropout).forEach(l -> ((Dropout) l).reseed(5));
        check(n, TestArrays.gaussian(21, DataType.DOUBLE, 2, 3, 2), CHECK.withBeforeForward(reseed));
    }

    @Test
    void embeddingWithRepeatedIds() throws Exception {
        Network n = net("[{\"type\": \"embedding\", \"vocab_size\": 5, \"dim\": 3}" + HEAD, 4);
        INDArray ids = Nd4j.create(new double[] {0, 3, 3, 1, 4, 4, 4, 2}, new long[] {2, 4}, 'c');
        check(n, ids, CHECK);
    }

    @Test
    void anIdOutsideTheVocabularyIsNamed() throws Exception {
        Network n = net("[{\"type\": \"embedding\", \"vocab_size\": 5, \"dim\": 3}" + HEAD, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> n.forward(Nd4j.create(new double[] {1, 7}, new long[] {1, 2}, 'c').castTo(DataType.DOUBLE), false));
        assertTrue(e.getMessage().contains("token id 7") && e.getMessage().contains("vocabulary of 5"), e.getMessage());
    }

    @Test
    void causalAttentionIgnoresLaterSteps() throws Exception {
        Network n = net("[{\"type\": \"multi_head_attention\", \"heads\": 2, \"causal\": true}]", 4, 4);
        INDArray x = TestArrays.gaussian(1, DataType.DOUBLE, 2, 4, 4);
        INDArray before = n.forward(x, false).dup();
        x.get(NDArrayIndex.all(), NDArrayIndex.point(3), NDArrayIndex.all()).addi(5.0);
        INDArray after = n.forward(x, false);
        assertEquals(before.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3), NDArrayIndex.all()),
                after.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3), NDArrayIndex.all()));
        assertTrue(before.get(NDArrayIndex.all(), NDArrayIndex.point(3), NDArrayIndex.all())
                .sub(after.get(NDArrayIndex.all(), NDArrayIndex.point(3), NDArrayIndex.all())).norm2Number().doubleValue() > 1e-3);
    }

    @Test
    void attentionMatchesAPlainPerHeadComputation() throws Exception {
        long b = 2, t = 3, d = 4, h = 2, k = 3, hk = h * k;
        Network n = net("[{\"type\": \"multi_head_attention\", \"heads\": 2, \"key_size\": 3, \"causal\": true}]", t, d);
        INDArray[] p = MultiHeadSelfAttention.slices(n.params(), new long[] {d, 3 * hk}, new long[] {1, 3 * hk}, new long[] {hk, d}, new long[] {1, d});
        p[1].assign(TestArrays.gaussian(5, DataType.DOUBLE, 1, 3 * hk));
        p[3].assign(TestArrays.gaussian(6, DataType.DOUBLE, 1, d));
        INDArray x = TestArrays.gaussian(7, DataType.DOUBLE, b, t, d);
        INDArray y = n.forward(x, false);
        for (long s = 0; s < b; s++) {
            INDArray xs = x.get(NDArrayIndex.point(s)), concat = Nd4j.zeros(DataType.DOUBLE, t, hk);
            for (long head = 0; head < h; head++) {
                INDArray[] qkv = new INDArray[3];
                for (int j = 0; j < 3; j++) {
                    var cols = NDArrayIndex.interval(j * hk + head * k, j * hk + head * k + k);
                    qkv[j] = xs.mmul(p[0].get(NDArrayIndex.all(), cols)).addiRowVector(p[1].get(NDArrayIndex.all(), cols));
                }
                INDArray scores = qkv[0].mmul(qkv[1].transpose()).divi(Math.sqrt(k));
                for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) scores.putScalar(i, j, Double.NEGATIVE_INFINITY);
                INDArray probs = org.nd4j.linalg.ops.transforms.Transforms.softmax(scores, true);
                concat.get(NDArrayIndex.all(), NDArrayIndex.interval(head * k, head * k + k)).assign(probs.mmul(qkv[2]));
            }
            INDArray expected = concat.mmul(p[2]).addiRowVector(p[3]);
            assertTrue(expected.equalsWithEps(y.get(NDArrayIndex.point(s)), 1e-12), expected + " vs " + y.get(NDArrayIndex.point(s)));
        }
    }

    @Test
    void timeDistributedDenseEqualsDenseOnEveryStep() throws Exception {
        Network seq = net("[{\"type\": \"dense\", \"units\": 3}]", 4, 5);
        Network flat = Network.withParams(new ModelConfig(new long[] {5}, seq.config().layers()), seq.params(), 3);
        INDArray x = TestArrays.gaussian(2, DataType.DOUBLE, 2, 4, 5);
        assertEquals(flat.forward(x.reshape(8, 5), false), seq.forward(x, false).reshape(8, 3));
    }

    @Test
    void sinusoidsFollowThePaper() {
        INDArray p = PositionalEncoding.sinusoids(DataType.DOUBLE, 5, 6);
        for (int t = 0; t < 5; t++) {
            for (int i = 0; i < 3; i++) {
                double angle = t / Math.pow(10000, 2.0 * i / 6);
                assertEquals(Math.sin(angle), p.getDouble(t, 2 * i), 1e-12);
                assertEquals(Math.cos(angle), p.getDouble(t, 2 * i + 1), 1e-12);
            }
        }
    }

    @Test
    void configErrorsNameTheField() {
        assertThrows(ConfigException.class, () -> net("[{\"type\": \"positional_encoding\", \"mode\": \"rotary\"}]", 3, 4));
        ConfigException e = assertThrows(ConfigException.class, () -> net("[{\"type\": \"multi_head_attention\", \"heads\": 3}]", 3, 4));
        assertTrue(e.getMessage().contains("model.layers[0]") && e.getMessage().contains("heads"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> net("[{\"type\": \"transformer_encoder\", \"heads\": 2, \"activation\": \"tanh\"}]", 3, 4));
        assertTrue(e.getMessage().contains("model.layers[0].activation"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> net("[{\"type\": \"sequence_pool\", \"mode\": \"max\"}]", 3, 4));
        assertTrue(e.getMessage().contains("model.layers[0].mode"), e.getMessage());
    }
}
