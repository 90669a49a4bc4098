package io.spindle.core.loss;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.gradcheck.GradientChecker;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every loss's gradient against central differences, and its value against a direct formula. */
class LossGradientTest {
    private static final GradientChecker CHECK = GradientChecker.standard();

    @Test
    void softmaxCrossEntropyGradient() {
        INDArray logits = TestArrays.gaussian(1, DataType.DOUBLE, 6, 5).muli(3);
        GradientChecker.Result r = CHECK.checkLoss(Loss.softmaxCrossEntropy(), logits, TestArrays.classes(2, DataType.DOUBLE, 6, 5));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void softmaxCrossEntropyWithLabelSmoothingGradient() {
        INDArray logits = TestArrays.gaussian(1, DataType.DOUBLE, 6, 5).muli(3);
        GradientChecker.Result r = CHECK.checkLoss(Loss.softmaxCrossEntropy(0.1), logits, TestArrays.classes(2, DataType.DOUBLE, 6, 5));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void labelSmoothingMatchesKerasTargetsAndChangesTheLoss() {
        INDArray logits = TestArrays.gaussian(3, DataType.DOUBLE, 4, 5).muli(2);
        INDArray labels = TestArrays.classes(4, DataType.DOUBLE, 4, 5);
        double eps = 0.2, direct = 0;
        double[][] expectedGradient = new double[4][5];
        for (int b = 0; b < 4; b++) {
            double sum = 0;
            for (int c = 0; c < 5; c++) sum += Math.exp(logits.getDouble(b, c));
            for (int c = 0; c < 5; c++) {
                // Keras: y_smooth = y·(1 − ε) + ε / C, loss = −Σ y_smooth·log p.
                double p = Math.exp(logits.getDouble(b, c)) / sum;
                double target = (c == labels.getInt(b) ? 1 - eps : 0) + eps / 5;
                direct -= target * Math.log(p);
                expectedGradient[b][c] = (p - target) / 4;
            }
        }
        LossResult smoothed = Loss.softmaxCrossEntropy(eps).compute(logits, labels);
        assertEquals(direct / 4, smoothed.loss(), 1e-12);
        for (int b = 0; b < 4; b++) {
            for (int c = 0; c < 5; c++) assertEquals(expectedGradient[b][c], smoothed.gradient().getDouble(b, c), 1e-12);
        }
        double plain = Loss.softmaxCrossEntropy().compute(logits, labels).loss();
        assertTrue(Math.abs(plain - smoothed.loss()) > 1e-3, "smoothing changed nothing: " + plain);
    }

    @Test
    void zeroLabelSmoothingIsThePlainLossBitForBit() {
        INDArray logits = TestArrays.gaussian(5, DataType.FLOAT, 8, 10).muli(4);
        INDArray labels = TestArrays.classes(6, DataType.FLOAT, 8, 10);
        LossResult plain = Loss.softmaxCrossEntropy().compute(logits, labels);
        LossResult zero = Loss.softmaxCrossEntropy(0).compute(logits, labels);
        assertEquals(plain.loss(), zero.loss(), 0.0);
        assertEquals(plain.gradient(), zero.gradient());
    }

    @Test
    void labelSmoothingReadsFromAJobFileAndRefusesValuesOutsideZeroToOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Loss smoothed = Loss.fromJson("loss", json.readTree("{\"type\": \"softmax_cross_entropy\", \"label_smoothing\": 0.1}"), "mse");
        assertEquals(0.1, ((SoftmaxCrossEntropy) smoothed).labelSmoothing());
        assertEquals(smoothed.toJson(), Loss.fromJsonText(smoothed.toJson().toString()).toJson(), "what travels to the executors reads back");
        assertEquals("\"softmax_cross_entropy\"", Loss.softmaxCrossEntropy().toJson().toString());
        assertEquals("mse", Loss.fromJson("loss", null, "mse").name());
        for (String bad : new String[] {"-0.1", "1", "1.5", "\"a lot\""}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Loss.fromJson("loss",
                    json.readTree("{\"type\": \"softmax_cross_entropy\", \"label_smoothing\": " + bad + "}"), null));
            assertEquals("loss.label_smoothing", e.field());
            assertTrue(e.getMessage().contains(">= 0 and < 1"), e.getMessage());
        }
        ConfigException api = assertThrows(ConfigException.class, () -> Loss.softmaxCrossEntropy(1.0));
        assertEquals("label_smoothing", api.field());
        ConfigException mse = assertThrows(ConfigException.class, () -> Loss.fromJson("loss",
                json.readTree("{\"type\": \"mse\", \"label_smoothing\": 0.1}"), null));
        assertTrue(mse.getMessage().contains("label_smoothing"), mse.getMessage());
    }

    @Test
    void softmaxCrossEntropyValueIsStableForHugeLogits() {
        INDArray logits = Nd4j.create(new double[][] {{1000, 0, -1000}, {0, 0, 0}});
        INDArray labels = Nd4j.create(new double[][] {{1}, {2}});
        double loss = Loss.softmaxCrossEntropy().compute(logits, labels).loss();
        // row 1: logsumexp = 1000, picked 0 → 1000; row 2: log 3
        assertEquals((1000 + Math.log(3)) / 2, loss, 1e-9);
    }

    @Test
    void softmaxCrossEntropyGradientOfAConfidentModelHasNoSubnormals() {
        // Wrong classes 90-100 below the right one: probabilities e^-90..e^-100, subnormal in float (the range that
        // slowed every backward GEMM); and one at -60, e^-60 ≈ 9e-27, which is kept.
        INDArray logits = Nd4j.create(new float[][] {{0, -90, -95, -100, -60}});
        INDArray gradient = Loss.softmaxCrossEntropy().compute(logits, Nd4j.create(new float[] {0})).gradient();
        float[] g = gradient.reshape(-1).toFloatVector();
        for (float x : g) assertTrue(x == 0 || Math.abs(x) >= Float.MIN_NORMAL, java.util.Arrays.toString(g));
        assertEquals(0f, g[1]);
        assertEquals(0f, g[2]);
        assertEquals(0f, g[3]);
        assertEquals(Math.exp(-60), g[4], 1e-32);
        assertEquals(0f, g[0], "the right class's p is 1 - 9e-27, which is 1 in double: p - 1 is zero");
    }

    @Test
    void binaryCrossEntropyGradientOfAConfidentModelHasNoSubnormals() {
        INDArray logits = Nd4j.create(new float[][] {{-88, -60, 3}});
        float[] g = Loss.binaryCrossEntropy().compute(logits, Nd4j.create(new float[][] {{0, 0, 1}})).gradient().reshape(-1).toFloatVector();
        assertEquals(0f, g[0], "σ(-88)/3 ≈ 2e-39 is subnormal in float");
        assertEquals(Math.exp(-60) / 3, g[1], 1e-32);
        assertTrue(g[2] < 0);
    }

    @Test
    void softmaxCrossEntropyRejectsOutOfRangeLabels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.softmaxCrossEntropy()
                .compute(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.create(new double[][] {{0}, {3}})));
        assertTrue(e.getMessage().contains("[0, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Loss.softmaxCrossEntropy()
                .compute(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.create(new double[] {-1, 0})));
    }

    @Test
    void softmaxCrossEntropyReusedAcrossBatchSizesMatchesAFreshInstance() {
        Loss reused = Loss.softmaxCrossEntropy();
        for (int rows : new int[] {6, 4, 6}) {
            INDArray logits = TestArrays.gaussian(rows, DataType.DOUBLE, rows, 5);
            INDArray labels = TestArrays.classes(rows + 1, DataType.DOUBLE, rows, 5);
            LossResult again = reused.compute(logits, labels);
            LossResult fresh = Loss.softmaxCrossEntropy().compute(logits, labels);
            assertEquals(fresh.loss(), again.loss(), 1e-12);
            assertEquals(fresh.gradient(), again.gradient());
        }
    }

    @Test
    void meanSquaredErrorGradientAndValue() {
        INDArray out = TestArrays.gaussian(3, DataType.DOUBLE, 4, 3);
        INDArray target = TestArrays.gaussian(4, DataType.DOUBLE, 4, 3);
        assertTrue(CHECK.checkLoss(Loss.meanSquaredError(), out, target).passed());
        double expected = out.sub(target).norm2Number().doubleValue();
        assertEquals(expected * expected / 12, Loss.meanSquaredError().compute(out, target).loss(), 1e-12);
    }

    @Test
    void binaryCrossEntropyGradientAndValue() {
        INDArray logits = TestArrays.gaussian(5, DataType.DOUBLE, 4, 3).muli(4);
        INDArray target = TestArrays.uniform(6, DataType.DOUBLE, 0, 1, 4, 3);
        GradientChecker.Result r = CHECK.checkLoss(Loss.binaryCrossEntropy(), logits, target);
        assertTrue(r.passed(), r.toString());
        double direct = 0;
        for (int i = 0; i < 12; i++) {
            double z = logits.getDouble(i), t = target.getDouble(i), p = 1 / (1 + Math.exp(-z));
            direct += -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
        }
        assertEquals(direct / 12, Loss.binaryCrossEntropy().compute(logits, target).loss(), 1e-9);
    }
}
