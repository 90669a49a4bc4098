package io.spindle.core.optim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each schedule's rate at chosen steps against hand-computed values, JSON round trip, errors. */
class LearningRateScheduleTest {
    private static final double EPS = 1e-15;

    @Test
    void constant() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.1);
        assertEquals(0.1, s.rate(0));
        assertEquals(0.1, s.rate(1_000_000));
    }

    @Test
    void stepDecay() {
        LearningRateSchedule s = LearningRateSchedule.stepDecay(0.1, 0.5, 10);
        assertEquals(0.1, s.rate(0), EPS);
        assertEquals(0.1, s.rate(9), EPS);
        assertEquals(0.05, s.rate(10), EPS);
        assertEquals(0.025, s.rate(25), EPS);
    }

    @Test
    void exponential() {
        LearningRateSchedule s = LearningRateSchedule.exponential(0.1, 0.5, 10);
        assertEquals(0.1, s.rate(0), EPS);
        assertEquals(0.07071067811865475, s.rate(5), EPS); // 0.1 · 0.5^0.5
        assertEquals(0.05, s.rate(10), EPS);
        assertEquals(0.025, s.rate(20), EPS);
    }

    @Test
    void cosineDecaysToMinLrAndStaysThere() {
        LearningRateSchedule s = LearningRateSchedule.cosine(0.1, 100, 0.01);
        assertEquals(0.1, s.rate(0), EPS);
        assertEquals(0.08681980515339464, s.rate(25), EPS); // 0.01 + 0.09 · ½(1 + cos(π/4))
        assertEquals(0.055, s.rate(50), EPS);               // 0.01 + 0.09 · ½
        assertEquals(0.01, s.rate(100), EPS);
        assertEquals(0.01, s.rate(5000), EPS);
    }

    @Test
    void warmupRampsLinearlyThenTheBaseScheduleStartsAtItsStepZero() {
        LearningRateSchedule s = LearningRateSchedule.cosine(0.1, 100, 0.01).withWarmup(4);
        assertEquals(0.025, s.rate(0), EPS);
        assertEquals(0.05, s.rate(1), EPS);
        assertEquals(0.1, s.rate(3), EPS);
        assertEquals(0.1, s.rate(4), EPS);
        assertEquals(0.055, s.rate(54), EPS);
        assertEquals(0.01, s.rate(104), EPS);
        LearningRateSchedule step = LearningRateSchedule.stepDecay(0.2, 0.5, 3).withWarmup(2);
        assertEquals(0.1, step.rate(0), EPS);
        assertEquals(0.2, step.rate(4), EPS);
        assertEquals(0.1, step.rate(5), EPS);
    }

    @Test
    void jsonRoundTripForEveryType() throws Exception {
        LearningRateSchedule[] all = {
                LearningRateSchedule.constant(0.1).withWarmup(7),
                LearningRateSchedule.stepDecay(0.1, 0.5, 10),
                LearningRateSchedule.exponential(0.1, 0.96, 1000).withWarmup(3),
                LearningRateSchedule.cosine(0.001, 2345, 1e-5).withWarmup(100)};
        for (LearningRateSchedule s : all) {
            LearningRateSchedule back = LearningRateSchedule.fromJson(new ConfigNode(s.toJson(), "optimizer.schedule"), s.learningRate());
            assertEquals(s, back);
            assertEquals(s.toJson(), back.toJson());
        }
        String json = "{\"type\": \"cosine\", \"total_steps\": 2345, \"min_lr\": 0.0, \"warmup_steps\": 100}";
        LearningRateSchedule parsed = parse(json, 0.001);
        assertEquals(LearningRateSchedule.cosine(0.001, 2345, 0).withWarmup(100), parsed);
        assertEquals(LearningRateSchedule.constant(0.3), parse("{}", 0.3));
    }

    @Test
    void badValuesNameTheFieldAndTheAllowedRange() {
        assertMessage("optimizer.schedule.factor = 0.0 is not allowed: a number > 0.0 and <= 1.0",
                "{\"type\": \"step\", \"factor\": 0, \"every\": 10}");
        assertMessage("optimizer.schedule.every: required field is missing", "{\"type\": \"step\", \"factor\": 0.5}");
        assertMessage("optimizer.schedule.total_steps: required field is missing", "{\"type\": \"cosine\"}");
        assertMessage("optimizer.schedule.min_lr = 0.5 is not allowed: a number >= 0.0 and <= optimizer.learning_rate (0.1)",
                "{\"type\": \"cosine\", \"total_steps\": 10, \"min_lr\": 0.5}");
        assertMessage("optimizer.schedule.warmup_steps = -1 is not allowed", "{\"warmup_steps\": -1}");
        assertMessage("optimizer.schedule.type = \"linear\" is not allowed: one of [constant, step, exponential, cosine]",
                "{\"type\": \"linear\"}");
        assertMessage("optimizer.schedule.total_step: unknown field", "{\"type\": \"cosine\", \"total_step\": 10}");

        assertEquals("optimizer.schedule.total_steps = 0 is not allowed: an integer in [1, 2147483647]",
                assertThrows(ConfigException.class, () -> LearningRateSchedule.cosine(0.1, 0, 0)).getMessage());
        assertEquals("optimizer.learning_rate = -1.0 is not allowed: a number > 0.0",
                assertThrows(ConfigException.class, () -> LearningRateSchedule.constant(-1)).getMessage());
        assertEquals("optimizer.schedule.decay_rate = 1.5 is not allowed: a number > 0.0 and <= 1.0",
                assertThrows(ConfigException.class, () -> LearningRateSchedule.exponential(0.1, 1.5, 10)).getMessage());
        assertThrows(ConfigException.class, () -> LearningRateSchedule.cosine(0.1, 10, 0.05).withLearningRate(0.01));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0.1).rate(-1));
    }

    private static LearningRateSchedule parse(String json, double lr) throws Exception {
        return LearningRateSchedule.fromJson(new ConfigNode(new ObjectMapper().readTree(json), "optimizer.schedule"), lr);
    }

    private static void assertMessage(String expectedStart, String json) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(json, 0.1));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
