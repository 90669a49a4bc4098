package io.spindle.driver.report;

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
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line chart of the report as PNG bytes (JFreeChart, headless): named series with their colour and stroke,
 * white background, light grid, an optional dashed reference line. Every chart of a report is drawn through here.
 */
final class LineChart {
    static final int WIDTH = 640, HEIGHT = 400;
    /** Matplotlib's "tab10": distinct at a glance, the first two are training's and validation's. */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);

    /** How a series is drawn. */
    enum Stroke { SOLID, DASHED, FAINT }

    private record Line(XYSeries data, Color colour, Stroke stroke, boolean points) {
    }

    private final String title, xLabel, yLabel;
    private final List<Line> lines = new ArrayList<>();
    private boolean integerX, percentY, zeroBasedY;
    private double reference = Double.NaN;
    private String referenceLabel;

    LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; NaN values are left out, and an empty series is not drawn (nor named in the legend). */
    LineChart series(String name, double[] x, double[] y, Color colour, Stroke stroke) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < x.length; i++) if (!Double.isNaN(y[i]) && !Double.isInfinite(y[i])) s.add(x[i], y[i]);
        // Shapes on sparse series: a one-epoch run is still a visible chart.
        if (s.getItemCount() > 0) lines.add(new Line(s, colour, stroke, s.getItemCount() <= 60 && stroke != Stroke.FAINT));
        return this;
    }

    /** Whether any series has a point. */
    boolean isEmpty() {
        return lines.isEmpty();
    }

    LineChart integerX() {
        integerX = true;
        return this;
    }

    /** The y values are fractions, shown as percentages on an axis from 0. */
    LineChart percentY() {
        percentY = true;
        zeroBasedY = true;
        return this;
    }

    LineChart zeroBasedY() {
        zeroBasedY = true;
        return this;
    }

    /** A dashed horizontal line at {@code y} (NaN: none), labelled. */
    LineChart reference(double y, String label) {
        reference = y;
        referenceLabel = label;
        return this;
    }

    byte[] png() {
        XYSeriesCollection data = new XYSeriesCollection();
        lines.forEach(l -> data.addSeries(l.data()));
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                lines.size() > 1, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            renderer.setSeriesPaint(i, l.stroke() == Stroke.FAINT ? new Color(l.colour().getRed(), l.colour().getGreen(), l.colour().getBlue(), 80)
                    : l.colour());
            renderer.setSeriesStroke(i, stroke(l.stroke()));
            renderer.setSeriesShapesVisible(i, l.points());
        }
        plot.setRenderer(renderer);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        if (integerX) x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(zeroBasedY);
        if (percentY) y.setNumberFormatOverride(new DecimalFormat("0.#%"));
        if (!Double.isNaN(reference)) plot.addRangeMarker(marker());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BasicStroke stroke(Stroke s) {
        return switch (s) {
            case SOLID -> new BasicStroke(2.5f);
            case DASHED -> new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
            case FAINT -> new BasicStroke(1.2f);
        };
    }

    private ValueMarker marker() {
        ValueMarker marker = new ValueMarker(reference, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        marker.setLabel(String.format(Locale.ROOT, "%s %.4f", referenceLabel, reference));
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        return marker;
    }
}
