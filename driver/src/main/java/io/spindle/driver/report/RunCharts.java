package io.spindle.driver.report;

import io.spindle.core.train.EpochStats;
import io.spindle.driver.run.StepLoss;

import java.util.ArrayList;
import java.util.List;

/**
 * The charts of one run's report, in display order, in pairs that sit side by side: loss per epoch and per step,
 * accuracy (classification) and the learning rate, samples/s and the all-reduce share per epoch. A chart whose
 * figures the run did not record (an older run's step log) is left out.
 */
final class RunCharts {
    /** A chart: its title (the image's alt text), its file name in the run directory, its PNG bytes. */
    record Chart(String title, String fileName, byte[] png) {
    }

    private RunCharts() {
    }

    static List<Chart> of(RunRecord run) {
        List<EpochStats> epochs = run.epochs();
        double[] x = LearningCurves.epochNumbers(epochs);
        List<Chart> charts = new ArrayList<>();
        charts.add(new Chart("loss per epoch", LearningCurves.Metric.LOSS.fileName(),
                LearningCurves.png(epochs, LearningCurves.Metric.LOSS, Double.NaN)));
        if (!run.steps().isEmpty()) {
            double[] step = run.steps().stream().mapToDouble(StepLoss::step).toArray(), loss = stepLosses(run);
            charts.add(new Chart("loss per step", "loss-per-step.png", new LineChart("Loss per step (rank 0's batches)", "step", "loss")
                    .series("mean of each window of steps", step, loss, LineChart.PALETTE[0], LineChart.Stroke.FAINT)
                    .series("smoothed", step, smoothed(loss), LineChart.PALETTE[0], LineChart.Stroke.SOLID).png()));
        }
        if (run.classification()) {
            charts.add(new Chart("accuracy per epoch", LearningCurves.Metric.ACCURACY.fileName(), LearningCurves.png(epochs,
                    LearningCurves.Metric.ACCURACY, run.summary().path("test_accuracy").asDouble(Double.NaN))));
        }
        LineChart rate = run.steps().isEmpty()
                ? new LineChart("Learning rate (at each epoch's end)", "epoch", "learning rate").integerX()
                        .series("learning rate", x, LearningCurves.values(epochs, EpochStats::learningRate), LineChart.PALETTE[2], LineChart.Stroke.SOLID)
                : new LineChart("Learning rate", "step", "learning rate")
                        .series("learning rate", run.steps().stream().mapToDouble(StepLoss::step).toArray(),
                                run.steps().stream().mapToDouble(StepLoss::learningRate).toArray(), LineChart.PALETTE[2], LineChart.Stroke.SOLID);
        charts.add(new Chart("learning rate", "learning-rate.png", rate.zeroBasedY().png()));
        charts.add(new Chart("samples/s per epoch", "samples-per-sec.png", new LineChart("Training samples/s per epoch", "epoch", "samples/s")
                .integerX().zeroBasedY().series("samples/s", x, LearningCurves.values(epochs, EpochStats::samplesPerSecond),
                        LineChart.PALETTE[4], LineChart.Stroke.SOLID).png()));
        LineChart share = new LineChart("Share of step time in the all-reduce, per epoch", "epoch", "share").integerX().percentY()
                .series("all-reduce share", x, run.epochCollectiveShares(), LineChart.PALETTE[3], LineChart.Stroke.SOLID);
        if (!share.isEmpty()) charts.add(new Chart("all-reduce share per epoch", "all-reduce-share.png", share.png()));
        return charts;
    }

    static double[] stepLosses(RunRecord run) {
        return run.steps().stream().mapToDouble(StepLoss::loss).toArray();
    }

    /**
     * An exponential moving average with TensorBoard's start-up correction, over about a fiftieth of the points
     * (none for 50 points or fewer): it shows the trend through the batch-to-batch noise.
     */
    static double[] smoothed(double[] v) {
        double weight = v.length <= 50 ? 0 : 1 - 50.0 / v.length, last = 0, debias = 1;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            last = last * weight + (1 - weight) * v[i];
            debias *= weight;
            out[i] = last / (1 - debias);
        }
        return out;
    }
}
