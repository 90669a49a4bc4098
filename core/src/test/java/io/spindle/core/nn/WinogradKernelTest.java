package io.spindle.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.testing.TestArrays;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The Winograd path of a float 5×5 conv2d against libnd4j's conv2d and conv2d_bp in double on the same values: output,
 * input gradient, weight and bias gradients, with ReLU, both paddings, partial tiles, and batches over several chunks.
 */
class WinogradKernelTest {

    @Test
    void takesFloatFiveByFiveConvolutionsOverManyChannelsOnly() {
        ConvGeometry same = ConvGeometry.square(5, 1, "same");
        INDArray x = Nd4j.create(DataType.FLOAT, 64, 32, 14, 14);
        assertTrue(WinogradKernel.applies(same, 64, x));
        assertFalse(WinogradKernel.applies(same, 64, x.castTo(DataType.DOUBLE)), "double keeps libnd4j (the gradient checks)");
        assertFalse(WinogradKernel.applies(same, 64, Nd4j.create(DataType.FLOAT, 64, 4, 14, 14)), "few channels: the direct kernel");
        assertFalse(WinogradKernel.applies(ConvGeometry.square(5, 2, "same"), 64, x), "stride 2");
        assertFalse(WinogradKernel.applies(ConvGeometry.square(3, 1, "same"), 64, x), "3×3");
    }

    @Test
    void matchesLibnd4jInDouble() throws Exception {
        // 9×11 "same": 5×6 tiles of which the last row and column are half outside; 19 images are three chunks, the last partial.
        agree("same", "relu", 19, 6, 9, 11, 7);
        agree("valid", "identity", 3, 5, 12, 9, 4);
        agree("same", "identity", 2, 32, 14, 14, 64);
    }

    private static void agree(String padding, String activation, int batch, int channels, int h, int w, int filters) throws Exception {
        String what = padding + " " + activation + " " + channels + "→" + filters + " on " + h + "×" + w + ", batch " + batch;
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree("{\"input_shape\": [" + channels + ", " + h + ", " + w
                + "], \"layers\": [{\"type\": \"conv2d\", \"filters\": " + filters + ", \"kernel_size\": 5, \"padding\": \"" + padding
                + "\", \"activation\": \"" + activation + "\"}]}"), "model"));
        Network net = Network.initialized(cfg, 4, DataType.FLOAT);
        net.params().assign(TestArrays.gaussian(5, DataType.FLOAT, net.numParams()));
        INDArray x = TestArrays.gaussian(6, DataType.FLOAT, batch, channels, h, w);
        INDArray dy = TestArrays.gaussian(7, DataType.FLOAT, Buffers.withBatch(batch, net.outputShape()));
        assertTrue(WinogradKernel.applies(ConvGeometry.square(5, 1, padding), filters, x), what);

        long nW = 25L * channels * filters;
        INDArray weights = net.params().get(NDArrayIndex.interval(0, nW)).reshape('c', 5, 5, channels, filters).castTo(DataType.DOUBLE);
        INDArray bias = net.params().get(NDArrayIndex.interval(nW, nW + filters)).castTo(DataType.DOUBLE);
        INDArray xd = x.castTo(DataType.DOUBLE), y = Nd4j.create(DataType.DOUBLE, Buffers.withBatch(batch, net.outputShape()));
        int[] args = {5, 5, 1, 1, 0, 0, 1, 1, padding.equals("same") ? 1 : 0, 0, 0};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(xd, weights, bias).addOutputs(y).addIntegerArguments(args).build());
        boolean relu = activation.equals("relu");
        INDArray dyd = dy.castTo(DataType.DOUBLE);
        if (relu) {
            y = Transforms.max(y, 0.0);
            dyd.muli(y.gt(0).castTo(DataType.DOUBLE));
        }
        INDArray dx = xd.ulike(), dw = weights.ulike(), db = bias.ulike();
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(xd, weights, bias, dyd).addOutputs(dx, dw, db).addIntegerArguments(args).build());

        close(y, net.forward(x, false), what + ", output at inference");
        for (int step = 0; step < 2; step++) {   // a second step reuses every work array
            net.grads().assign(0);
            close(y, net.forward(x, true), what + ", output");
            close(dx, net.backward(dy, true), what + ", input gradient");
            close(dw, net.grads().get(NDArrayIndex.interval(0, nW)).reshape('c', 5, 5, channels, filters), what + ", weight gradient");
            close(db, net.grads().get(NDArrayIndex.interval(nW, nW + filters)), what + ", bias gradient");
        }
        net.backward(dy, false);   // as a first layer: no input gradient
        close(dw, net.grads().get(NDArrayIndex.interval(0, nW)).reshape('c', 5, 5, channels, filters), what + ", weight gradient without dx");
    }

    private static void close(INDArray expected, INDArray actual, String what) {
        double[] e = expected.reshape(expected.length()).toDoubleVector(), a = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        assertEquals(e.length, a.length, what);
        double scale = Arrays.stream(e).map(Math::abs).max().orElse(1);
        double worst = 0;
        for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - a[i]));
        assertEquals(0, worst / scale, 3e-5, what);
    }
}
