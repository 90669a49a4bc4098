package io.spindle.driver.report;

import io.spindle.core.train.EpochStats;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Per-epoch line charts (training and validation) of loss or accuracy as PNG bytes, drawn with
 * JFreeChart; works headless, so on a cluster's driver too.
 */
public final class LearningCurves {
    public static final int WIDTH = 800, HEIGHT = 450;
    private static final Color TRAIN = new Color(0x1f, 0x77, 0xb4), VALIDATION = new Color(0xff, 0x7f, 0x0e);

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
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("train", epochs, metric.train));
        XYSeries validation = series("validation", epochs, metric.validation);
        if (validation.getItemCount() > 0) data.addSeries(validation);

        JFreeChart chart = ChartFactory.createXYLineChart(metric.title, "epoch", metric.axis, data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        // Shapes on every point: a one-epoch run is still a visible chart.
        renderer.setSeriesPaint(0, TRAIN);
        renderer.setSeriesPaint(1, VALIDATION);
        renderer.setSeriesStroke(0, new BasicStroke(2.5f));
        renderer.setSeriesStroke(1, new BasicStroke(2.5f));
        plot.setRenderer(renderer);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        if (!Double.isNaN(testValue)) {
            ValueMarker marker = new ValueMarker(testValue, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setLabel(String.format(Locale.ROOT, "test %.4f", testValue));
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(marker);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static XYSeries series(String name, List<EpochStats> epochs, ToDoubleFunction<EpochStats> value) {
        XYSeries s = new XYSeries(name);
        for (EpochStats e : epochs) {
            double v = value.applyAsDouble(e);
            if (!Double.isNaN(v)) s.add(e.epoch(), v);
        }
        return s;
    }
}
