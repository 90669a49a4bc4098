package io.spindle.bench.scaling;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The lab's chart: scaling efficiency against worker count (log scale). Dots are measurements; solid lines the
 * model for the lab's scenario on a cluster (nodes with cores of their own, links as in the lab); dashed lines the
 * model extrapolated to 25 M parameters on 10 GbE with the fitted α; a dotted line bf16-overlap there with the stated α.
 */
final class ScalingChart {
    private static final int[] MODEL_NODES = {2, 4, 8, 16, 32, 64, 128, 256};
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};

    private ScalingChart() {
    }

    static void write(ScalingReport report, Path png) throws IOException {
        LabConfig c = report.config();
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        SyntheticModel lab = SyntheticModel.of(c);
        SyntheticModel big = report.scenario(ScalingReport.TARGET_PARAMETERS);
        CostModel tenGig = report.on(ScalingReport.TARGET_GBIT);
        CostModel latent = tenGig.withAlphaMs(ScalingReport.STATED_ALPHA_MS);
        LabMode[] modes = LabMode.values();
        for (int i = 0; i < modes.length; i++) {
            LabMode mode = modes[i];
            List<ScalingReport.Row> rows = report.measured().stream().filter(r -> r.mode() == mode).toList();
            if (!rows.isEmpty()) {
                XYSeries dots = new XYSeries(mode.label + " measured");
                rows.forEach(r -> dots.add(r.nodes(), r.efficiency()));
                add(data, renderer, dots, COLORS[i], Stroke.SOLID, true);
            }
            XYSeries model = new XYSeries(mode.label + " model, lab links");
            XYSeries extrapolated = new XYSeries(mode.label + " model, 25M @ 10GbE");
            for (int n : MODEL_NODES) {
                model.add(n, c.computeMs() / report.cluster().stepMs(n, lab, mode));
                extrapolated.add(n, c.computeMs() / tenGig.stepMs(n, big, mode));
            }
            add(data, renderer, model, COLORS[i], Stroke.SOLID, false);
            add(data, renderer, extrapolated, COLORS[i], Stroke.DASHED, false);
            if (mode == LabMode.BF16_OVERLAP) {
                XYSeries withLatency = new XYSeries(String.format(java.util.Locale.ROOT, "%s model, 25M @ 10GbE, alpha %.0f us",
                        mode.label, ScalingReport.STATED_ALPHA_MS * 1e3));
                for (int n : MODEL_NODES) withLatency.add(n, c.computeMs() / latent.stepMs(n, big, mode));
                add(data, renderer, withLatency, COLORS[i], Stroke.DOTTED, false);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(String.format(java.util.Locale.ROOT,
                        "Scaling efficiency (compute / step): lab %.1fM params @ %.1f Gbit/s, %.0f ms compute",
                        c.parameters() / 1e6, c.linkGbit(), c.computeMs()),
                "workers N", "efficiency", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("workers N");
        x.setBase(2);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        plot.setDomainAxis(x);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.05);
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 700);
    }

    private enum Stroke { SOLID, DASHED, DOTTED }

    private static void add(XYSeriesCollection data, XYLineAndShapeRenderer renderer, XYSeries series, Color color,
                            Stroke stroke, boolean dots) {
        int i = data.getSeriesCount();
        data.addSeries(series);
        renderer.setSeriesPaint(i, color);
        renderer.setSeriesLinesVisible(i, !dots);
        renderer.setSeriesShapesVisible(i, dots);
        renderer.setSeriesStroke(i, switch (stroke) {
            case SOLID -> new BasicStroke(2f);
            case DASHED -> new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
            case DOTTED -> new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1.5f, 4f}, 0f);
        });
    }
}
