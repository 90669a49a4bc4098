package io.spindle.core.optim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON reading with Keras defaults, the round trip, and errors that name the field and the range. */
class OptimizerConfigTest {

    private static OptimizerConfig parse(String json) throws Exception {
        return parse(json, "optimizer");
    }

    private static OptimizerConfig parse(String json, String path) throws Exception {
        return OptimizerConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(json), path));
    }

    @Test
    void defaultsFollowKeras() throws Exception {
        OptimizerConfig sgd = parse("{\"type\": \"sgd\"}");
        assertEquals(0.01, sgd.learningRate());
        assertEquals(0, sgd.l1());
        assertEquals(0, sgd.l2());
        assertEquals(0, sgd.clipNorm());
        assertEquals(0, sgd.weightDecay());
        assertEquals(LearningRateSchedule.Type.CONSTANT, sgd.schedule().type());
        assertEquals(0.9, parse("{\"type\": \"nesterov\"}").momentum());
        OptimizerConfig rms = parse("{\"type\": \"rmsprop\"}");
        assertEquals(0.001, rms.learningRate());
        assertEquals(0.9, rms.rho());
        assertEquals(1e-7, rms.epsilon());
        OptimizerConfig adam = parse("{\"type\": \"Adam\"}");
        assertEquals(OptimizerConfig.adam(0.001), adam);
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-7, adam.epsilon());
        assertEquals(0, adam.weightDecay());
        assertEquals(0.004, parse("{\"type\": \"adamw\"}").weightDecay());
        assertEquals(OptimizerConfig.adamw(0.001, 0.004), parse("{\"type\": \"adamw\"}"));
    }

    @Test
    void jsonRoundTripForEveryType() throws Exception {
        LearningRateSchedule cosine = LearningRateSchedule.cosine(0.002, 2345, 0).withWarmup(100);
        List<OptimizerConfig> all = List.of(
                OptimizerConfig.sgd(0.1).withL2(1e-4),
                OptimizerConfig.momentum(0.05, 0.95).withClipNorm(1).withSchedule(LearningRateSchedule.stepDecay(0.05, 0.1, 30)),
                OptimizerConfig.nesterov(0.05, 0.9).withL1(1e-5),
                OptimizerConfig.rmsprop(0.002).withRho(0.95).withEpsilon(1e-6),
                OptimizerConfig.adam(0.001).withBetas(0.85, 0.99).withSchedule(cosine).withWeightDecay(0.01),
                OptimizerConfig.adamw(0.001, 0.01).withClipNorm(1).withSchedule(LearningRateSchedule.exponential(0.001, 0.96, 1000)));
        for (OptimizerConfig c : all) {
            OptimizerConfig back = OptimizerConfig.fromJson(new ConfigNode(c.toJson(), "optimizer"));
            assertEquals(c, back, c.toString());
            assertEquals(c.toJson(), back.toJson());
        }
    }

    @Test
    void readsTheDocumentedExampleAndIgnoresFieldsTheTypeDoesNotUse() throws Exception {
        OptimizerConfig c = parse("{\"type\": \"adam\", \"learning_rate\": 0.001, \"beta1\": 0.9, \"beta2\": 0.999, "
                + "\"epsilon\": 1e-7, \"l2\": 0.0, \"l1\": 0.0, \"clip_norm\": 1.0, \"weight_decay\": 0.01, "
                + "\"momentum\": 0.9, \"rho\": 0.9, "
                + "\"schedule\": {\"type\": \"cosine\", \"total_steps\": 2345, \"min_lr\": 0.0, \"warmup_steps\": 100}}");
        assertEquals(OptimizerConfig.adam(0.001).withClipNorm(1).withWeightDecay(0.01)
                .withSchedule(LearningRateSchedule.cosine(0.001, 2345, 0).withWarmup(100)), c);
        assertFalse(c.toJson().has("momentum"));
        assertFalse(c.toJson().has("rho"));
        assertEquals(parse("{\"type\": \"sgd\"}"), parse("{\"type\": \"sgd\", \"beta1\": 0.5, \"momentum\": 0.1}"));
    }

    @Test
    void withLearningRateKeepsTheScheduleShape() {
        OptimizerConfig c = OptimizerConfig.adam(0.001).withSchedule(LearningRateSchedule.cosine(0.001, 100, 0).withWarmup(10));
        OptimizerConfig faster = c.withLearningRate(0.01);
        assertEquals(0.01, faster.learningRate());
        assertEquals(LearningRateSchedule.cosine(0.01, 100, 0).withWarmup(10), faster.schedule());
        assertEquals(0.5, OptimizerConfig.sgd(0.1).withSchedule(LearningRateSchedule.constant(0.5)).learningRate());
    }

    @Test
    void badJsonValuesNameTheFieldAndTheAllowedRange() {
        assertMessage("optimizer.learning_rate = -1.0 is not allowed: a number > 0.0", "{\"type\": \"sgd\", \"learning_rate\": -1.0}");
        assertMessage("optimizer.learning_rate = 0.0 is not allowed: a number > 0.0", "{\"type\": \"adam\", \"learning_rate\": 0}");
        assertMessage("optimizer.beta1 = 1.0 is not allowed: a number >= 0.0 and < 1.0", "{\"type\": \"adam\", \"beta1\": 1.0}");
        assertMessage("optimizer.beta2 = -0.5 is not allowed: a number >= 0.0 and < 1.0", "{\"type\": \"adam\", \"beta2\": -0.5}");
        assertMessage("optimizer.epsilon = 0.0 is not allowed: a number > 0.0", "{\"type\": \"rmsprop\", \"epsilon\": 0}");
        assertMessage("optimizer.rho = 1.0 is not allowed: a number >= 0.0 and < 1.0", "{\"type\": \"rmsprop\", \"rho\": 1}");
        assertMessage("optimizer.momentum = 1.2 is not allowed: a number >= 0.0 and < 1.0", "{\"type\": \"momentum\", \"momentum\": 1.2}");
        assertMessage("optimizer.l2 = -0.1 is not allowed: a number >= 0.0", "{\"type\": \"sgd\", \"l2\": -0.1}");
        assertMessage("optimizer.l1 = -0.1 is not allowed: a number >= 0.0", "{\"type\": \"sgd\", \"l1\": -0.1}");
        assertMessage("optimizer.weight_decay = -1.0 is not allowed: a number >= 0.0", "{\"type\": \"adamw\", \"weight_decay\": -1}");
        assertMessage("optimizer.clip_norm = \"big\" is not allowed: a number >= 0.0", "{\"type\": \"sgd\", \"clip_norm\": \"big\"}");
        assertMessage("optimizer.type = \"adagrad\" is not allowed: one of [sgd, momentum, nesterov, rmsprop, adam, adamw]",
                "{\"type\": \"adagrad\"}");
        assertMessage("optimizer.type: required field is missing; one of [sgd, momentum, nesterov, rmsprop, adam, adamw]",
                "{\"learning_rate\": 0.1}");
        assertMessage("optimizer.learningrate: unknown field; allowed fields here: [", "{\"type\": \"sgd\", \"learningrate\": 0.1}");
        assertMessage("optimizer.schedule.total_steps: required field is missing",
                "{\"type\": \"adam\", \"schedule\": {\"type\": \"cosine\"}}");
        ConfigException notObject = assertThrows(ConfigException.class, () -> parse("{\"type\": \"adam\", \"schedule\": \"cosine\"}"));
        assertEquals("optimizer.schedule", notObject.field());
        assertTrue(notObject.getMessage().endsWith("is not allowed: a JSON object"), notObject.getMessage());
        ConfigException nested = assertThrows(ConfigException.class,
                () -> parse("{\"type\": \"sgd\", \"learning_rate\": -1}", "training.optimizer"));
        assertEquals("training.optimizer.learning_rate", nested.field());
    }

    @Test
    void javaFactoriesAndWithersValidateToo() {
        assertJava("optimizer.learning_rate = -1.0 is not allowed: a number > 0.0", () -> OptimizerConfig.sgd(-1));
        assertJava("optimizer.learning_rate = NaN is not allowed: a number > 0.0", () -> OptimizerConfig.adam(Double.NaN));
        assertJava("optimizer.momentum = 1.0 is not allowed: a number >= 0.0 and < 1.0", () -> OptimizerConfig.momentum(0.1, 1.0));
        assertJava("optimizer.weight_decay = -0.1 is not allowed: a number >= 0.0", () -> OptimizerConfig.adamw(0.1, -0.1));
        assertJava("optimizer.l2 = -1.0 is not allowed: a number >= 0.0", () -> OptimizerConfig.sgd(0.1).withL2(-1));
        assertJava("optimizer.clip_norm = -1.0 is not allowed: a number >= 0.0", () -> OptimizerConfig.sgd(0.1).withClipNorm(-1));
        assertJava("optimizer.beta2 = 1.0 is not allowed: a number >= 0.0 and < 1.0", () -> OptimizerConfig.adam(0.1).withBetas(0.9, 1));
        assertJava("optimizer.epsilon = -1.0E-8 is not allowed: a number > 0.0", () -> OptimizerConfig.adam(0.1).withEpsilon(-1e-8));
    }

    private static void assertMessage(String expectedStart, String json) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    private static void assertJava(String expected, Executable build) {
        assertEquals(expected, assertThrows(ConfigException.class, build).getMessage());
    }
}
