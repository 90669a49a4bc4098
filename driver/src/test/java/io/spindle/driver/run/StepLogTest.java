package io.spindle.driver.run;

import io.spindle.core.optim.LearningRateSchedule;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.TrainingListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The step log: window means worked out from running epoch means, sampled, passed on, replaced on a retry. */
class StepLogTest {

    /** Per-step losses 1, 2, 3, ...: the running epoch mean after step s is the mean of the epoch's first s. */
    private static void feed(StepLog log, int epoch, int fromStep, int steps, double[] carried) {
        double sum = carried[0];
        int n = (int) carried[1];
        for (int s = fromStep; s <= steps; s++) {
            double loss = (epoch - 1) * steps + s;
            sum += loss;
            n++;
            log.onStep(epoch, s, steps, sum / n, 1000);
        }
    }

    @Test
    void everyStepOfAShortRunIsKeptExactly() {
        List<String> passedOn = new ArrayList<>();
        StepLog log = new StepLog(LearningRateSchedule.stepDecay(0.1, 0.5, 10), 2, new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {
                passedOn.add(epoch + ":" + step);
            }

            @Override
            public void onEpochEnd(EpochStats stats) {
                passedOn.add("end " + stats.epoch());
            }
        });
        feed(log, 1, 1, 15, new double[2]);
        log.onEpochEnd(new EpochStats(1, 8, Double.NaN, Double.NaN, Double.NaN, 1, 1, 0.1));
        feed(log, 2, 1, 15, new double[2]);
        List<StepLoss> points = log.points();
        assertEquals(30, points.size());
        for (int g = 1; g <= 30; g++) {
            StepLoss p = points.get(g - 1);
            assertEquals(g, p.step());
            assertEquals(g, p.loss(), 1e-9, "the step's own loss, from two running means");
            assertEquals(g / 15.0, p.epoch(), 1e-12);
            assertEquals(g <= 10 ? 0.1 : g <= 20 ? 0.05 : 0.025, p.learningRate(), 1e-15, "the rate the schedule gave step " + g);
        }
        assertEquals(31, passedOn.size(), "the progress bar still sees every event");
        assertEquals("end 1", passedOn.get(15));
    }

    @Test
    void aLongRunIsSampledIntoWindowMeans() throws Exception {
        StepLog log = new StepLog(LearningRateSchedule.constant(0.01), 4, TrainingListener.NONE);
        for (int e = 1; e <= 4; e++) feed(log, e, 1, 1001, new double[2]);
        List<StepLoss> points = log.points();
        // 4,004 steps in windows of 5 (the fewest that keep to MAX_POINTS), each epoch's step 1001 a window of its own.
        assertEquals(4 * (200 + 1), points.size());
        StepLoss first = points.get(0), last = points.get(points.size() - 1);
        assertEquals(5, first.step());
        assertEquals(3, first.loss(), 1e-9, "mean of steps 1..5");
        assertEquals(4004, last.step());
        assertEquals(4004, last.loss(), 1e-6, "epoch 4's last window is its step 1001 alone");
        assertEquals(4.0, last.epoch(), 1e-12);
        StepLog.toCsv(points).lines().skip(1).forEach(l -> assertEquals(4, l.split(",").length));
        assertEquals(points, StepLoss.parseCsv(StepLog.toCsv(points), "steps.csv"), "steps.csv reads back exactly");
    }

    @Test
    void aRetriedAttemptReplacesTheStepsItRedoes() {
        StepLog log = new StepLog(LearningRateSchedule.constant(0.01), 1, TrainingListener.NONE);
        feed(log, 1, 1, 20, new double[2]);
        // The retry resumes from a checkpoint after step 8, whose running totals (steps 1..8) it carries.
        double carriedSum = 36;
        feed(log, 1, 9, 20, new double[] {carriedSum, 8});
        List<StepLoss> points = log.points();
        assertEquals(8 + 11, points.size(), "steps 1..8 kept; 9 is the new anchor, 10..20 recorded again, none twice");
        for (int i = 1; i < points.size(); i++) assertTrue(points.get(i).step() > points.get(i - 1).step());
        assertEquals(20, points.get(points.size() - 1).loss(), 1e-9);
        assertEquals(1, log.firstStep());
    }

    @Test
    void theFirstStepsTimeIsKeptThroughLaterSteps() {
        StepLog log = new StepLog(LearningRateSchedule.constant(0.01), 1, TrainingListener.NONE);
        assertEquals(0, log.firstStepNanos(), "no step yet");
        long before = System.nanoTime();
        log.onStep(1, 1, 3, 2.0, 1000);
        long after = System.nanoTime(), first = log.firstStepNanos();
        assertTrue(first >= before && first <= after, "taken when step 1 came");
        log.onStep(1, 2, 3, 1.5, 1000);
        assertEquals(first, log.firstStepNanos(), "later steps leave it");
    }
}
