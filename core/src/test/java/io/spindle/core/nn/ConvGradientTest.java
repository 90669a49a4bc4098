package io.spindle.core.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolution and pooling layers against central differences in double precision, on libnd4j's ops. */
class ConvGradientTest {
    private static final GradientChecker CHECK = GradientChecker.standard();

    private static Network net(String layersJson, long... inputShape) throws Exception {
        String json = "{\"input_shape\": " + Arrays.toString(inputShape) + ", \"layers\": " + layersJson + "}";
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "model"));
        assertEquals(cfg, ModelConfig.fromJson(new ConfigNode(cfg.toJson(), "model")), "JSON round trip");
        return Network.initialized(cfg, 3, DataType.DOUBLE);
    }

    private static void check(Network net, long batch, long... inputShape) {
        long[] x = new long[inputShape.length + 1];
        x[0] = batch;
        System.arraycopy(inputShape, 0, x, 1, inputShape.length);
        INDArray input = TestArrays.gaussian(21, DataType.DOUBLE, x);
        INDArray target = TestArrays.gaussian(22, DataType.DOUBLE, batch, net.outputShape()[0]);
        GradientChecker.Result p = CHECK.checkParameters(net, Loss.meanSquaredError(), input, target);
        assertTrue(p.passed(), "parameters " + p);
        GradientChecker.Result i = CHECK.checkInput(net, Loss.meanSquaredError(), input, target);
        assertTrue(i.passed(), "input " + i);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3}",
            "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": [3, 2], \"strides\": 2, \"padding\": \"same\", \"activation\": \"tanh\"}",
            "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 2, \"dilation\": 2, \"use_bias\": false}",
            "{\"type\": \"max_pool2d\", \"pool_size\": 2}",
            "{\"type\": \"avg_pool2d\", \"pool_size\": 2, \"padding\": \"same\"}",
            "{\"type\": \"avg_pool2d\", \"pool_size\": 3, \"strides\": 1}"})
    void layerGradients(String layer) throws Exception {
        Network n = net("[" + layer + ", {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]", 2, 5, 5);
        check(n, 2, 2, 5, 5);
    }

    /** A first conv layer skips dX and computes dW through im2col + GEMM; it must equal conv2d_bp's dW. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 5, \"padding\": \"same\"}",
            "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": [3, 2], \"strides\": 2, \"padding\": \"same\"}",
            "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 2, \"dilation\": 2, \"use_bias\": false}"})
    void weightOnlyGradientOfAFirstLayerMatchesTheFullOne(String layer) throws Exception {
        Network n = net("[{\"type\": \"rescaling\", \"scale\": 2}, " + layer + "]", 3, 7, 6);
        INDArray x = TestArrays.gaussian(5, DataType.DOUBLE, 4, 3, 7, 6);
        INDArray dy = TestArrays.gaussian(6, DataType.DOUBLE, Buffers.withBatch(4, n.outputShape()));
        n.forward(x, true);
        n.backward(dy, true);
        INDArray full = n.grads().dup();
        n.forward(x, true);
        n.backward(dy, false);
        assertArrayEquals(full.toDoubleVector(), n.grads().toDoubleVector(), 1e-10);
    }

    @Test
    void globalAveragePoolAndAStackedCnn() throws Exception {
        Network n = net("[{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
                + "{\"type\": \"max_pool2d\", \"pool_size\": 2}, {\"type\": \"global_average_pool\"}, {\"type\": \"dense\", \"units\": 2}]", 1, 6, 6);
        assertArrayEquals(new long[] {2}, n.outputShape());
        check(n, 3, 1, 6, 6);
    }

    @Test
    void shapesFollowKeras() throws Exception {
        assertArrayEquals(new long[] {32, 28, 28}, net("[{\"type\": \"conv2d\", \"filters\": 32, \"kernel_size\": 5, \"padding\": \"same\"}]", 1, 28, 28).outputShape());
        assertArrayEquals(new long[] {32, 24, 24}, net("[{\"type\": \"conv2d\", \"filters\": 32, \"kernel_size\": 5}]", 1, 28, 28).outputShape());
        assertArrayEquals(new long[] {1, 14, 14}, net("[{\"type\": \"max_pool2d\", \"pool_size\": 2}]", 1, 28, 28).outputShape());
        assertArrayEquals(new long[] {1, 3, 3}, net("[{\"type\": \"avg_pool2d\", \"pool_size\": 2, \"padding\": \"same\"}]", 1, 5, 5).outputShape());
        // A pool's strides default to its size axis by axis: [2, 3] pools tile a 6×6 map into 3×2.
        assertArrayEquals(new long[] {1, 3, 2}, net("[{\"type\": \"max_pool2d\", \"pool_size\": [2, 3]}]", 1, 6, 6).outputShape());
    }

    @Test
    void averagePoolingWithSamePaddingDividesByRealInputs() throws Exception {
        Network n = net("[{\"type\": \"avg_pool2d\", \"pool_size\": 2, \"padding\": \"same\"}]", 1, 3, 3);
        INDArray x = Nd4j.linspace(1, 9, 9, DataType.DOUBLE).reshape(1, 1, 3, 3);
        INDArray y = n.forward(x, false);
        // windows: {1,2,4,5} {3,6} {7,8} {9}
        assertArrayEquals(new double[] {3, 4.5, 7.5, 9}, y.reshape(4).toDoubleVector(), 1e-12);
    }
}
