package io.spindle.driver.spark;

import io.spindle.core.optim.LearningRateSchedule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loss growing past 10,000× its first epoch's value is warned about once, with the step and the learning rate. */
class LossGrowthWatchTest {

    @Test
    void warnsOnceWithTheStepAndTheRate() {
        List<String> warnings = new ArrayList<>();
        LossGrowthWatch watch = new LossGrowthWatch(LearningRateSchedule.stepDecay(0.5, 0.1, 20), warnings::add);
        watch.loss(3, 1e9);
        assertEquals(List.of(), warnings, "nothing to compare with before the first epoch ends");
        watch.firstEpoch(2.0);
        watch.firstEpoch(50.0);   // only the first epoch counts
        watch.loss(12, 19_000);
        assertEquals(List.of(), warnings, "9,500×: not yet");
        watch.loss(25, 21_000);
        watch.loss(26, 1e12);
        assertEquals(1, warnings.size(), warnings.toString());
        String w = warnings.get(0);
        assertTrue(w.startsWith("warning: the training loss grew to 2.100e+04 at global step 25, over 10,000× its first epoch's 2.000")
                && w.contains("(learning rate 0.05000)") && w.contains("optimizer.learning_rate"), w);
    }

    @Test
    void aResumedRunComparesWithTheCheckpointsFirstEpoch() {
        List<String> warnings = new ArrayList<>();
        LossGrowthWatch watch = new LossGrowthWatch(LearningRateSchedule.constant(0.01), warnings::add);
        watch.firstEpoch(0.5);   // from the checkpoint's history
        watch.loss(40, 6_000);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("global step 40") && warnings.get(0).contains("learning rate 0.01000"), warnings.get(0));
    }
}
