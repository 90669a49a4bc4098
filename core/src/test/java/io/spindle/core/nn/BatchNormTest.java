package io.spindle.core.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.model.LayerState;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.model.ParamLayout;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch norm: gradients in training mode, running statistics at inference, state kept out of training and in the model file. */
class BatchNormTest {
    // No bias before batch norm: its gradient is exactly zero (the batch mean cancels it), and rounding noise around 0 fails a relative check.
    private static final String CNN = "[{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\", \"use_bias\": false},"
            + "{\"type\": \"batch_norm\"}, {\"type\": \"activation\", \"function\": \"tanh\"}, {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]";
    private static final String MLP = "[{\"type\": \"dense\", \"units\": 4, \"use_bias\": false}, {\"type\": \"batch_norm\", \"momentum\": 0.9, \"epsilon\": 0.01},"
            + "{\"type\": \"activation\", \"function\": \"tanh\"}, {\"type\": \"dense\", \"units\": 2}]";

    private static ModelConfig config(String layersJson, long... inputShape) throws Exception {
        String json = "{\"input_shape\": " + Arrays.toString(inputShape) + ", \"layers\": " + layersJson + "}";
        ModelConfig cfg = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "model"));
        assertEquals(cfg, ModelConfig.fromJson(new ConfigNode(cfg.toJson(), "model")), "JSON round trip");
        return cfg;
    }

    private static void gradientCheck(Network net, long... batchShape) {
        INDArray x = TestArrays.gaussian(31, DataType.DOUBLE, batchShape).muli(2).addi(0.5);
        INDArray y = TestArrays.gaussian(32, DataType.DOUBLE, batchShape[0], 2);
        GradientChecker check = GradientChecker.standard();
        GradientChecker.Result p = check.checkParameters(net, Loss.meanSquaredError(), x, y);
        assertTrue(p.passed(), "parameters (gamma, beta, and zero for the running statistics) " + p);
        GradientChecker.Result i = check.checkInput(net, Loss.meanSquaredError(), x, y);
        assertTrue(i.passed(), "input " + i);
    }

    @Test
    void gradientsOverChannelsOfImages() throws Exception {
        gradientCheck(Network.initialized(config(CNN, 2, 4, 4), 5, DataType.DOUBLE), 3, 2, 4, 4);
    }

    @Test
    void gradientsOverFeatures() throws Exception {
        gradientCheck(Network.initialized(config(MLP, 3), 5, DataType.DOUBLE), 6, 3);
    }

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningOnesInferenceUsesRunningOnes() throws Exception {
        Network net = Network.initialized(config("[{\"type\": \"batch_norm\"}]", 2, 3, 3), 1, DataType.DOUBLE);
        INDArray x = TestArrays.gaussian(7, DataType.DOUBLE, 4, 2, 3, 3).muli(3).addi(5);
        INDArray mean = x.mean(0, 2, 3), var = x.var(false, 0, 2, 3);

        INDArray train = net.forward(x, true).dup();
        assertArrayEquals(new double[] {0, 0}, train.mean(0, 2, 3).toDoubleVector(), 1e-12);
        // variance 1 up to the epsilon in the denominator: var / (var + 1e-3)
        for (int c = 0; c < 2; c++) {
            double v = var.getDouble(c);
            assertEquals(v / (v + 1e-3), train.var(false, 0, 2, 3).getDouble(c), 1e-9);
        }
        INDArray params = net.params();
        assertArrayEquals(mean.mul(0.01).toDoubleVector(), params.get(NDArrayIndex.interval(4, 6)).toDoubleVector(), 1e-12);
        assertArrayEquals(var.mul(0.01).addi(0.99).toDoubleVector(), params.get(NDArrayIndex.interval(6, 8)).toDoubleVector(), 1e-12);

        // gamma 2, beta 1, running mean/variance chosen by hand: y = 2·(x − m)/sqrt(v + eps) + 1
        params.assign(Nd4j.createFromArray(2.0, 2.0, 1.0, 1.0, 4.0, 6.0, 9.0, 0.25));
        INDArray infer = net.forward(x, false);
        INDArray expected = x.dup();
        double[] m = {4, 6}, v = {9, 0.25};
        for (int c = 0; c < 2; c++) {
            INDArray ch = expected.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
            ch.subi(m[c]).divi(Math.sqrt(v[c] + 1e-3)).muli(2).addi(1);
        }
        assertArrayEquals(expected.reshape(expected.length()).toDoubleVector(), infer.reshape(infer.length()).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {4, 6, 9, 0.25}, params.get(NDArrayIndex.interval(4, 8)).toDoubleVector(), 0, "inference leaves the state alone");
    }

    @Test
    void runningStatisticsAreNonTrainableBlocks() throws Exception {
        Network net = Network.initialized(config(CNN, 2, 4, 4), 5, DataType.FLOAT);
        List<ParamLayout.Block> state = net.layout().stateBlocks();
        assertEquals(List.of("running_mean", "running_variance"), state.stream().map(ParamLayout.Block::param).toList());
        assertTrue(state.stream().noneMatch(ParamLayout.Block::regularized));
        ParamLayout.Block gamma = net.layout().blocks().stream().filter(b -> b.param().equals("gamma")).findFirst().orElseThrow();
        assertTrue(gamma.trainable());
        assertFalse(gamma.regularized());
    }

    /** Every optimizer, with every penalty, clipping and weight decay on, must leave the running statistics as the layer wrote them. */
    @Test
    void optimizersAndPenaltiesLeaveStateAlone() throws Exception {
        for (String type : OptimizerConfig.TYPES) {
            Network net = Network.initialized(config(CNN, 2, 4, 4), 5, DataType.FLOAT);
            OptimizerConfig oc = OptimizerConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(
                    "{\"type\": \"" + type + "\", \"l1\": 0.01, \"l2\": 0.01, \"clip_norm\": 0.5, \"weight_decay\": 0.1}"), "optimizer"));
            Optimizer opt = oc.create(net.layout(), DataType.FLOAT);
            LayerState state = new LayerState(net.layout());
            for (int step = 0; step < 3; step++) {
                INDArray x = TestArrays.gaussian(40 + step, DataType.FLOAT, 5, 2, 4, 4).addi(1);
                LossResult r = Loss.meanSquaredError().compute(net.forward(x, true), TestArrays.gaussian(50, DataType.FLOAT, 5, 2));
                net.backward(r.gradient());
                assertEquals(0, new LayerState(net.layout()).gather(net.grads()).amaxNumber().doubleValue(), 0, "state gradients stay zero");
                float[] before = state.gather(net.params()).toFloatVector();
                opt.step(net.params(), net.grads());
                assertArrayEquals(before, state.gather(net.params()).toFloatVector(), 0, type + " moved the running statistics");
            }
        }
    }

    /** Float images run the Java kernel (3 channels of 6×6: neither a multiple of the vector width); it must agree with the double path the gradient check covers. */
    @Test
    void floatPathAgreesWithDoubleOnImages() throws Exception {
        floatAgreesWithDouble(config(CNN, 2, 6, 6), 8, 2, 6, 6);
    }

    /** Float [B, F] batches run the per-feature Java kernel (5 features); the same agreement. */
    @Test
    void floatPathAgreesWithDoubleOnFeatures() throws Exception {
        floatAgreesWithDouble(config(MLP.replace("\"units\": 4", "\"units\": 5"), 3), 9, 3);
    }

    private static void floatAgreesWithDouble(ModelConfig cfg, long... batchShape) {
        Network d = Network.initialized(cfg, 9, DataType.DOUBLE);
        Network f = Network.withParams(cfg, d.params().castTo(DataType.FLOAT), 9);
        INDArray x = TestArrays.gaussian(11, DataType.DOUBLE, batchShape);
        INDArray y = TestArrays.gaussian(12, DataType.DOUBLE, batchShape[0], 2);
        INDArray gd = d.backward(Loss.meanSquaredError().compute(d.forward(x, true), y).gradient(), true).dup();
        INDArray gf = f.backward(Loss.meanSquaredError().compute(f.forward(x.castTo(DataType.FLOAT), true), y.castTo(DataType.FLOAT)).gradient(), true);
        double scale = gd.amaxNumber().doubleValue();
        assertEquals(0, gd.sub(gf.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale, 1e-4, "input gradient");
        double gscale = d.grads().amaxNumber().doubleValue();
        assertEquals(0, d.grads().sub(f.grads().castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / gscale, 1e-4, "parameter gradients");
        assertEquals(0, d.params().sub(f.params().castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-5, "running statistics");
        INDArray inferD = d.forward(x, false).dup(), inferF = f.forward(x.castTo(DataType.FLOAT), false);
        assertEquals(0, inferD.sub(inferF.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / inferD.amaxNumber().doubleValue(), 1e-4,
                "inference with the running statistics");
    }

    @Test
    void savedAndLoadedWithTheModel(@TempDir Path dir) throws Exception {
        Sequential model = Sequential.builder(1, 28, 28).conv2d(4, 3, "same", "identity").batchNorm().activation("relu")
                .maxPool2d(2).flatten().dense(10).optimizer(OptimizerConfig.adam(1e-3)).seed(3).build();
        model.fit(FashionMini.train().rows(0, 256), 1, 32);
        INDArray running = new LayerState(model.network().layout()).gather(model.network().params()).dup();
        assertTrue(running.getDouble(0) != 0, "running mean moved during training");
        INDArray x = FashionMini.test().features().get(NDArrayIndex.interval(0, 50));
        INDArray before = model.predict(x);
        model.save(dir.resolve("bn.spindle"));
        Sequential again = Sequential.load(dir.resolve("bn.spindle"));
        assertEquals(running, new LayerState(again.network().layout()).gather(again.network().params()));
        assertEquals(before, again.predict(x));
    }

    @Test
    void configErrorsNameTheField() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("[{\"type\": \"batch_norm\", \"momentum\": 1.5}]", 3));
        assertTrue(e.getMessage().contains("model.layers[0].momentum"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> config("[{\"type\": \"batch_norm\", \"epsilon\": 0}]", 3));
        assertTrue(e.getMessage().contains("epsilon"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Network.initialized(config("[{\"type\": \"batch_norm\"}]", 2, 3), 1, DataType.FLOAT));
        assertTrue(shape.getMessage().contains("batch_norm"), shape.getMessage());
    }
}
