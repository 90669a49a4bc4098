package io.spindle.driver.report;

import io.spindle.core.train.EpochStats;
import io.spindle.driver.run.StepLoss;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The charts of a comparison page: each run's curves overlaid in its own colour (training solid, validation dashed),
 * against epochs, so runs with different batch sizes (different steps per epoch) line up.
 */
final class CompareCharts {
    private CompareCharts() {
    }

    /** The colour of the {@code i}-th run, on the charts and beside its name in the tables. */
    static Color colour(int i) {
        return LineChart.PALETTE[i % LineChart.PALETTE.length];
    }

    static List<RunCharts.Chart> of(List<RunRecord> runs, List<String> labels) {
        List<RunCharts.Chart> charts = new ArrayList<>();
        charts.add(chart("loss per epoch", epochPair(runs, labels, new LineChart("Loss per epoch", "epoch", "loss").integerX(),
                EpochStats::trainLoss, EpochStats::validationLoss)));
        LineChart steps = new LineChart("Loss per step, smoothed (rank 0's batches)", "epoch", "loss");
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            steps.series(labels.get(i), stepEpochs(r), RunCharts.smoothed(RunCharts.stepLosses(r)), colour(i), LineChart.Stroke.SOLID);
        }
        if (!steps.isEmpty()) charts.add(chart("loss per step", steps));
        if (runs.get(0).classification()) {
            charts.add(chart("accuracy per epoch", epochPair(runs, labels, new LineChart("Accuracy per epoch", "epoch", "accuracy").integerX(),
                    EpochStats::trainAccuracy, EpochStats::validationAccuracy)));
        }
        LineChart rate = new LineChart("Learning rate", "epoch", "learning rate").zeroBasedY();
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            if (r.steps().isEmpty()) {
                rate.series(labels.get(i), LearningCurves.epochNumbers(r.epochs()), LearningCurves.values(r.epochs(), EpochStats::learningRate),
                        colour(i), LineChart.Stroke.SOLID);
            } else {
                rate.series(labels.get(i), stepEpochs(r), r.steps().stream().mapToDouble(StepLoss::learningRate).toArray(), colour(i),
                        LineChart.Stroke.SOLID);
            }
        }
        charts.add(chart("learning rate", rate));
        LineChart speed = new LineChart("Training samples/s per epoch", "epoch", "samples/s").integerX().zeroBasedY();
        LineChart share = new LineChart("Share of step time in the all-reduce, per epoch", "epoch", "share").integerX().percentY();
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            double[] x = LearningCurves.epochNumbers(r.epochs());
            speed.series(labels.get(i), x, LearningCurves.values(r.epochs(), EpochStats::samplesPerSecond), colour(i), LineChart.Stroke.SOLID);
            share.series(labels.get(i), x, r.epochCollectiveShares(), colour(i), LineChart.Stroke.SOLID);
        }
        charts.add(chart("samples/s per epoch", speed));
        if (!share.isEmpty()) charts.add(chart("all-reduce share per epoch", share));
        return charts;
    }

    private static LineChart epochPair(List<RunRecord> runs, List<String> labels, LineChart chart,
                                       ToDoubleFunction<EpochStats> train,
                                       ToDoubleFunction<EpochStats> validation) {
        for (int i = 0; i < runs.size(); i++) {
            List<EpochStats> e = runs.get(i).epochs();
            double[] x = LearningCurves.epochNumbers(e);
            chart.series(labels.get(i) + " train", x, LearningCurves.values(e, train), colour(i), LineChart.Stroke.SOLID);
            chart.series(labels.get(i) + " validation", x, LearningCurves.values(e, validation), colour(i), LineChart.Stroke.DASHED);
        }
        return chart;
    }

    private static double[] stepEpochs(RunRecord r) {
        return r.steps().stream().mapToDouble(StepLoss::epoch).toArray();
    }

    private static RunCharts.Chart chart(String title, LineChart chart) {
        return new RunCharts.Chart(title, null, chart.png());
    }
}
