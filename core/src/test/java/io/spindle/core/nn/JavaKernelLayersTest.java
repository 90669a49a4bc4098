package io.spindle.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.testing.TestArrays;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layers whose float path runs in Java kernels (tanh, sigmoid, batch norm of images, layer norm, convolution with few channels, max pooling, lstm, gru, simple_rnn,
 * multi-head attention alone and in a transformer block) against the
 * same layer in double, which runs on libnd4j and passes the finite-difference gradient checks: outputs, input and
 * parameter gradients, and running statistics agree to float precision, in training and at inference.
 */
class JavaKernelLayersTest {
    private static final String[] LAYERS = {
            "{\"type\": \"activation\", \"function\": \"tanh\"}",
            "{\"type\": \"activation\", \"function\": \"sigmoid\"}",
            "{\"type\": \"batch_norm\", \"momentum\": 0.9}",
            "{\"type\": \"layer_norm\"}",
            "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\"}",
            "{\"type\": \"conv2d\", \"filters\": 5, \"kernel_size\": 5, \"padding\": \"same\", \"activation\": \"relu\"}",
            "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": [3, 2], \"dilation\": [1, 2], \"use_bias\": false}",
            "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": [2, 4], \"dilation\": 2, \"padding\": \"same\"}",
            "{\"type\": \"max_pool2d\", \"pool_size\": 2}",
    };

    /** Sequence layers whose float steps run in Java, on [T, F] = [6, 5] per sample. */
    private static final String[] SEQUENCE_LAYERS = {
            "{\"type\": \"lstm\", \"units\": 20, \"return_sequences\": true}",
            "{\"type\": \"gru\", \"units\": 20, \"return_sequences\": true}",
            "{\"type\": \"simple_rnn\", \"units\": 20, \"return_sequences\": true}",
            "{\"type\": \"layer_norm\", \"epsilon\": 0.001}",
            "{\"type\": \"multi_head_attention\", \"heads\": 2, \"key_size\": 3}",
            "{\"type\": \"multi_head_attention\", \"heads\": 3, \"key_size\": 2, \"causal\": true, \"use_bias\": false}",
            "{\"type\": \"transformer_encoder\", \"heads\": 1, \"ff_units\": 8, \"causal\": true}",
    };

    @Test
    void floatKernelsAgreeWithTheDoublePath() throws Exception {
        for (String layer : LAYERS) agree(layer, 5, 3, 9, 11);
        agree("{\"type\": \"max_pool2d\", \"pool_size\": 2, \"padding\": \"same\"}", 3, 2, 6, 36);   // rows of whole blocks of eight
        for (String layer : SEQUENCE_LAYERS) agree(layer, 7, 6, 5);
        // Layer norm over more than one block of rows copied to the heap, of whole vectors and with a tail.
        agree("{\"type\": \"layer_norm\"}", 7, 12, 64);
        agree("{\"type\": \"layer_norm\"}", 5, 9, 100);
        // Rows of more than one vector of softmax, and heads that split the features.
        agree("{\"type\": \"multi_head_attention\", \"heads\": 2, \"causal\": true}", 3, 11, 4);
        // Heads of whole vectors and steps past several four-row tiles: the products' SIMD tiles, not only their tails.
        agree("{\"type\": \"multi_head_attention\", \"heads\": 2, \"key_size\": 16}", 3, 19, 8);
    }

    private static void agree(String layer, long batch, long... inputShape) throws Exception {
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(
                "{\"input_shape\": " + Arrays.toString(inputShape) + ", \"layers\": [" + layer + "]}"), "model"));
        Network d = Network.initialized(cfg, 4, DataType.DOUBLE);
        boolean sequence = inputShape.length == 2;   // small weights and inputs there, or every gate saturates
        d.params().assign(sequence ? TestArrays.gaussian(5, DataType.DOUBLE, d.numParams()).muli(0.4)
                : TestArrays.uniform(5, DataType.DOUBLE, 0.5, 1.5, d.numParams()));
        Network f = Network.withParams(cfg, d.params().castTo(DataType.FLOAT), 4);
        INDArray x = TestArrays.gaussian(6, DataType.DOUBLE, Buffers.withBatch(batch, inputShape)).muli(sequence ? 1 : 4).addi(sequence ? 0 : 1);
        INDArray dy = TestArrays.gaussian(7, DataType.DOUBLE, Buffers.withBatch(batch, d.outputShape()));
        for (boolean training : new boolean[] {true, false}) {
            close(d.forward(x, training), f.forward(x.castTo(DataType.FLOAT), training), layer + " output, training " + training);
        }
        d.forward(x, true);
        f.forward(x.castTo(DataType.FLOAT), true);
        close(d.backward(dy, true), f.backward(dy.castTo(DataType.FLOAT), true), layer + " input gradient");
        if (d.numParams() > 0) {
            close(d.grads(), f.grads(), layer + " parameter gradients");
            // Again as a first layer: no input gradient (the conv kernel then skips dx).
            d.backward(dy, false);
            f.backward(dy.castTo(DataType.FLOAT), false);
            close(d.grads(), f.grads(), layer + " parameter gradients");
            close(d.params(), f.params(), layer + " parameters and running statistics");
        }
    }

    private static void close(INDArray expected, INDArray actual, String what) {
        double[] e = expected.reshape(expected.length()).toDoubleVector(), a = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        double scale = Arrays.stream(e).map(Math::abs).max().orElse(1);
        double worst = 0;
        for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - a[i]));
        assertEquals(0, worst / scale, 2e-6, what);
    }
}
