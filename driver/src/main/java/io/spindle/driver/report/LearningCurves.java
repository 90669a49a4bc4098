package io.spindle.driver.report;

import io.spindle.core.train.EpochStats;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Per-epoch line charts (training and validation) of loss or accuracy as PNG bytes, drawn with
 * JFreeChart; works headless, so on a cluster's driver too.
 */
public final class LearningCurves {
    public static final int WIDTH = LineChart.WIDTH, HEIGHT = LineChart.HEIGHT;

    /** Which figure a chart shows: its title, axis label, and where training and validation values are. */
    public enum Metric {
        LOSS("Loss per epoch", "loss", EpochStats::trainLoss, EpochStats::validationLoss),
        ACCURACY("Accuracy per epoch", "accuracy", EpochStats::trainAccuracy, EpochStats::validationAccuracy);

        final String title, axis;
        final ToDoubleFunction<EpochStats> train, validation;

        Metric(String title, String axis, ToDoubleFunction<EpochStats> train, ToDoubleFunction<EpochStats> validation) {
            this.title = title;
            this.axis = axis;
            this.train = train;
            this.validation = validation;
        }

        /** The PNG's file name in a run directory. */
        public String fileName() {
            return axis + ".png";
        }
    }

    private LearningCurves() {
    }

    /** The chart as PNG; {@code testValue} (NaN for none) is drawn as a dashed horizontal line. */
    public static byte[] png(List<EpochStats> epochs, Metric metric, double testValue) {
        double[] x = epochNumbers(epochs);
        return new LineChart(metric.title, "epoch", metric.axis).integerX()
                .series("train", x, values(epochs, metric.train), LineChart.PALETTE[0], LineChart.Stroke.SOLID)
                .series("validation", x, values(epochs, metric.validation), LineChart.PALETTE[1], LineChart.Stroke.SOLID)
                .reference(testValue, "test").png();
    }

    static double[] epochNumbers(List<EpochStats> epochs) {
        return epochs.stream().mapToDouble(EpochStats::epoch).toArray();
    }

    static double[] values(List<EpochStats> epochs, ToDoubleFunction<EpochStats> value) {
        return epochs.stream().mapToDouble(value).toArray();
    }
}
