package io.spindle.core;

import io.spindle.core.data.Dataset;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Recurrent;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import io.spindle.core.testing.TestArrays;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recurrent layers from the builder: they learn image rows as sequences, save and load; and their forward matches a plain reference. */
class RecurrentModelTest {

    @Test
    void stackedRecurrentModelLearnsAndRoundTripsThroughTheModelFile(@TempDir Path dir) throws Exception {
        Dataset train = FashionMini.train(), test = FashionMini.test();
        Sequential model = Sequential.builder(28, 28).simpleRnn(8, true).gru(8, true).lstm(16).dense(10)
                .optimizer(OptimizerConfig.adam(3e-3)).seed(3).build();
        History h = model.fit(train, null, TrainingConfig.of(2, 64, 3), TrainingListener.NONE);
        assertTrue(h.last().trainLoss() < h.epochs().get(0).trainLoss(), "loss falls");
        assertTrue(model.evaluate(test).accuracy() > 0.4, "accuracy " + model.evaluate(test).accuracy());

        Path file = dir.resolve("rnn.spindle");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(model.network().config(), loaded.network().config());
        assertArrayEquals(model.predict(test.features()).data().asFloat(), loaded.predict(test.features()).data().asFloat(),
                "bit-identical predictions");
    }

    /**
     * The per-step recurrent products keep their GEMM contexts between batches; after the batch size changes (and
     * changes back) every layer must still give a fresh network's bits, forward and backward, so no context may be
     * left reading an array of an earlier shape.
     */
    @Test
    void keptStepProductsFollowTheBatchShape() {
        ModelConfig config = new ModelConfig(new long[] {5, 6}, List.of(
                Recurrent.Config.of(Recurrent.Kind.SIMPLE_RNN, 7, true), Recurrent.Config.of(Recurrent.Kind.GRU, 6, true),
                Recurrent.Config.of(Recurrent.Kind.LSTM, 5, false)));
        Network reused = Network.initialized(config, 11, DataType.FLOAT);
        int round = 0;
        for (long[] shape : new long[][] {{4, 5}, {3, 5}, {4, 5}, {6, 5}}) {   // batch, steps (the model fixes the steps)
            INDArray x = Nd4j.rand(DataType.FLOAT, shape[0], shape[1], 6), dy = Nd4j.rand(DataType.FLOAT, shape[0], 5);
            Network fresh = Network.initialized(config, 11, DataType.FLOAT);
            String where = "batch " + shape[0] + ", " + shape[1] + " steps (round " + ++round + ")";
            assertArrayEquals(fresh.forward(x, true).data().asFloat(), reused.forward(x, true).data().asFloat(), where + ": output");
            INDArray freshDx = fresh.backward(dy, true), reusedDx = reused.backward(dy, true);
            assertArrayEquals(fresh.grads().data().asFloat(), reused.grads().data().asFloat(), where + ": parameter gradients");
            assertArrayEquals(freshDx.data().asFloat(), reusedDx.data().asFloat(), where + ": input gradient");
        }
    }

    /** Gate k's [rows, cols] block of a parameter laid out [G, rows, cols] from {@code offset}. */
    private static INDArray block(INDArray p, long offset, int k, long rows, long cols) {
        long from = offset + k * rows * cols;
        return p.get(NDArrayIndex.interval(from, from + rows * cols)).reshape('c', rows, cols).dup('c');
    }

    private static INDArray mm(INDArray a, INDArray b) {
        return a.dup('c').mmul(b.dup('c'));
    }

    /** h_t of an LSTM written out gate by gate with whole-matrix ops, from the documented parameter layout. */
    @Test
    void lstmForwardMatchesAPlainReference() {
        long b = 2, t = 3, f = 3, n = 4;
        Network net = Network.initialized(new ModelConfig(new long[] {t, f}, List.of(Recurrent.Config.of(Recurrent.Kind.LSTM, (int) n, true))),
                7, DataType.DOUBLE);
        net.params().addi(TestArrays.gaussian(1, DataType.DOUBLE, net.numParams()).muli(0.3));
        INDArray x = TestArrays.gaussian(2, DataType.DOUBLE, b, t, f);
        INDArray y = net.forward(x, false);
        INDArray p = net.params();
        INDArray h = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {b, n}, 'c').assign(0), c = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {b, n}, 'c').assign(0);
        for (int s = 0; s < t; s++) {
            INDArray xs = x.get(NDArrayIndex.all(), NDArrayIndex.point(s), NDArrayIndex.all());
            INDArray[] a = new INDArray[4];
            for (int k = 0; k < 4; k++) a[k] = mm(xs, block(p, 0, k, f, n)).add(mm(h, block(p, 4 * f * n, k, n, n)))
                    .addRowVector(block(p, 4 * f * n + 4 * n * n, k, 1, n));
            INDArray i = Transforms.sigmoid(a[0]), fg = Transforms.sigmoid(a[1]), o = Transforms.sigmoid(a[2]), g = Transforms.tanh(a[3]);
            c = fg.mul(c).add(i.mul(g));
            h = o.mul(Transforms.tanh(c));
            INDArray got = y.get(NDArrayIndex.all(), NDArrayIndex.point(s), NDArrayIndex.all());
            assertTrue(h.equalsWithEps(got, 1e-12), "step " + s + ": " + h + " vs " + got);
        }
    }

    /** The GRU likewise, in Keras' reset-after form. */
    @Test
    void gruForwardMatchesAPlainReference() {
        long b = 2, t = 3, f = 3, n = 4;
        Network net = Network.initialized(new ModelConfig(new long[] {t, f}, List.of(Recurrent.Config.of(Recurrent.Kind.GRU, (int) n, false))),
                7, DataType.DOUBLE);
        net.params().addi(TestArrays.gaussian(3, DataType.DOUBLE, net.numParams()).muli(0.3));
        INDArray x = TestArrays.gaussian(4, DataType.DOUBLE, b, t, f);
        INDArray y = net.forward(x, false);
        INDArray p = net.params();
        long nu = 3 * f * n, nb = nu + 3 * n * n;
        INDArray bhn = block(p, nb + 3 * n, 0, 1, n);
        INDArray h = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {b, n}, 'c').assign(0);
        for (int s = 0; s < t; s++) {
            INDArray xs = x.get(NDArrayIndex.all(), NDArrayIndex.point(s), NDArrayIndex.all());
            INDArray z = Transforms.sigmoid(mm(xs, block(p, 0, 0, f, n)).add(mm(h, block(p, nu, 0, n, n))).addRowVector(block(p, nb, 0, 1, n)));
            INDArray r = Transforms.sigmoid(mm(xs, block(p, 0, 1, f, n)).add(mm(h, block(p, nu, 1, n, n))).addRowVector(block(p, nb, 1, 1, n)));
            INDArray cand = Transforms.tanh(mm(xs, block(p, 0, 2, f, n)).addRowVector(block(p, nb, 2, 1, n)).add(r.mul(mm(h, block(p, nu, 2, n, n)).addRowVector(bhn))));
            h = z.mul(h).add(z.rsub(1.0).mul(cand));
        }
        assertTrue(h.equalsWithEps(y, 1e-12), h + " vs " + y);
    }
}
