package io.spindle.driver.report;

import io.spindle.core.train.EpochStats;
import io.spindle.core.train.History;
import io.spindle.driver.run.StepLog;
import io.spindle.driver.run.StepLoss;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Run directories as train leaves them, for the report's tests: history, summary, job and step log. */
public final class RunFixtures {
    private RunFixtures() {
    }

    /**
     * A 3-epoch, 3-class classifier trained with {@code learningRate} and batch {@code batch} on 2 workers, with validation,
     * class names, the all-reduce share of each epoch, and a noisy falling step log of 300 steps per epoch.
     */
    public static Path classification(Path dir, String name, double learningRate, int batch) throws Exception {
        Files.createDirectories(dir);
        double s = learningRate * 1000;
        History h = History.of(List.of(
                new EpochStats(1, 0.9 / s, 0.61, 0.8 / s, 0.66, 20_000, 3.0, learningRate),
                new EpochStats(2, 0.6 / s, 0.75, 0.62 / s, 0.74, 21_000, 2.9, learningRate * 0.8),
                new EpochStats(3, 0.45 / s, 0.83, 0.55 / s, 0.79, 21_500, 2.8, learningRate * 0.5)), -1);
        Files.writeString(dir.resolve("history.csv"), h.toCsv());
        Files.writeString(dir.resolve("summary.json"), String.format(Locale.ROOT, """
                {"name": "%s", "test_loss": 0.55, "test_accuracy": %s, "test_macro_f1": 0.78, "test_samples": 100,
                 "final_train_loss": 0.45, "train_samples_per_sec": 20800, "epochs": 3, "workers": 2, "collective_share": 0.12,
                 "collective_share_per_epoch": [0.2, 0.1, 0.08], "seconds": 9.5, "steps": 900, "params": 1234, "seed": 42,
                 "data_fingerprint": "sha256:abc123", "spindle_version": "0.1.0", "class_names": ["cat", "dog", "<bird>"],
                 "confusion_matrix": [[30, 3, 1], [4, 25, 4], [2, 7, 24]]}""", name, 0.79 - (learningRate - 1e-3)));
        Files.writeString(dir.resolve("job.json"), String.format(Locale.ROOT, """
                {"name": "%s", "model": {"layers": [{"type": "dense", "units": 64}, {"type": "dense", "units": 3}]},
                 "optimizer": {"type": "adam", "learning_rate": %s}, "training": {"epochs": 3, "batch_size": %d, "workers": 2},
                 "data": {"class_names": ["cat", "dog", "<bird>"]}}""", name, learningRate, batch));
        Files.writeString(dir.resolve(StepLoss.FILE), StepLog.toCsv(steps(3, 300, learningRate)));
        return dir;
    }

    /** A one-epoch regression run without a step log (as runs before steps.csv were). */
    public static Path regression(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("history.csv"), History.of(List.of(
                new EpochStats(1, 4.0, Double.NaN, Double.NaN, Double.NaN, 900, 0.1, 0.01)), -1).toCsv());
        Files.writeString(dir.resolve("summary.json"), "{\"name\": \"lin\", \"test_mse\": 0.08, \"test_r2\": 0.99, \"epochs\": 1}");
        return dir;
    }

    private static List<StepLoss> steps(int epochs, int perEpoch, double learningRate) {
        Random random = new Random(7);
        List<StepLoss> points = new ArrayList<>();
        for (long g = 1; g <= (long) epochs * perEpoch; g++) {
            double loss = 0.4 + Math.exp(-g / 200.0) + 0.15 * random.nextGaussian();
            points.add(new StepLoss(g, (double) g / perEpoch, loss, learningRate * Math.pow(0.5, (g - 1) / (double) (epochs * perEpoch))));
        }
        return points;
    }
}
