package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.awt.Color;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import static io.spindle.driver.report.HtmlReport.esc;

/**
 * The page of {@code spindle report RUN_A RUN_B ...}: the runs with their colours, their summaries in one table with
 * the best figure of each row marked, their curves overlaid, and their jobs side by side with the settings that differ
 * first and highlighted. Self-contained like a run's report: no scripts, no external links.
 */
final class ComparePage {
    private static final String STYLE = HtmlReport.STYLE + """
            .swatch{display:inline-block;width:1em;height:1em;border-radius:2px;vertical-align:middle;margin-right:.4em}
            td.best{font-weight:bold;background:#e3f4e1}tr.diff td,tr.diff th{background:#fff4c2}td.miss{color:#aaa}
            table.cmp td,table.cmp th{text-align:left}table.cmp td.n{text-align:right}
            """;

    /** A summary figure: its label, field, format, and which way is better (+1 higher, -1 lower, 0 neither). */
    private record Figure(String label, String field, String format, int better) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("test accuracy", "test_accuracy", "%.4f", 1), new Figure("test macro F1", "test_macro_f1", "%.4f", 1),
            new Figure("test loss", "test_loss", "%.4f", -1), new Figure("test MSE", "test_mse", "%.6g", -1),
            new Figure("test MAE", "test_mae", "%.6g", -1), new Figure("test R²", "test_r2", "%.4f", 1),
            new Figure("final training loss", "final_train_loss", "%.4f", -1),
            new Figure("final validation loss", "final_val_loss", "%.4f", -1),
            new Figure("final validation accuracy", "final_val_accuracy", "%.4f", 1),
            new Figure("epochs", "epochs", "%.0f", 0), new Figure("best epoch (stopped early)", "best_epoch", "%.0f", 0),
            new Figure("training samples/s", "train_samples_per_sec", "%,.0f", 1), new Figure("workers", "workers", "%.0f", 0),
            new Figure("share of step time in the all-reduce", "collective_share", "%.1f%%", -1),
            new Figure("wall time (s)", "seconds", "%,.1f", -1), new Figure("optimizer steps", "steps", "%,.0f", 0),
            new Figure("parameters", "params", "%,.0f", 0), new Figure("seed", "seed", "%.0f", 0),
            new Figure("test rows", "test_samples", "%,.0f", 0), new Figure("validation rows", "validation_rows", "%,.0f", 0));
    private static final List<String> TEXTS = List.of("collective", "validation_source", "test_source", "data_fingerprint", "spindle_version");

    private ComparePage() {
    }

    static String render(List<RunRecord> runs, List<String> labels, List<RunCharts.Chart> charts) {
        StringBuilder h = new StringBuilder(65_536);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Spindle: comparing ").append(runs.size())
                .append(" runs</title><style>").append(STYLE).append("</style></head><body>\n<h1>Comparing ").append(runs.size())
                .append(" runs</h1><p class=\"sub\">Spindle ").append(runs.get(0).task()).append(" runs</p>\n<h2>Runs</h2>\n")
                .append("<table class=\"cmp\"><tr><th>run</th><th>name</th><th>directory</th></tr>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            h.append("<tr><td>").append(swatch(i)).append(esc(labels.get(i))).append("</td><td>")
                    .append(esc(r.summary().path("name").asText(""))).append("</td><td><code>").append(esc(r.dir())).append("</code></td></tr>\n");
        }
        h.append("</table>\n");
        summaries(h, runs, labels);
        h.append("<h2>Curves</h2>\n<p class=\"sub\">each run in its colour; training solid, validation dashed</p>\n<div class=\"charts\">\n");
        charts.forEach(c -> HtmlReport.image(h, c.title(), c.png()));
        h.append("</div>\n");
        jobs(h, runs, labels);
        return h.append("</body></html>\n").toString();
    }

    private static void summaries(StringBuilder h, List<RunRecord> runs, List<String> labels) {
        h.append("<h2>Summaries</h2>\n<p class=\"sub\">bold green: the best run on that figure; yellow: the runs differ</p>\n");
        header(h, labels, "figure");
        for (Figure f : FIGURES) {
            double[] v = runs.stream().mapToDouble(r -> r.summary().path(f.field()).isNumber() ? r.summary().get(f.field()).asDouble() : Double.NaN)
                    .toArray();
            if (Arrays.stream(v).allMatch(Double::isNaN)) continue;
            double best = f.better() == 0 ? Double.NaN : Arrays.stream(v).filter(x -> !Double.isNaN(x))
                    .reduce(f.better() > 0 ? Math::max : Math::min).orElse(Double.NaN);
            boolean differs = Arrays.stream(v).distinct().count() > 1;
            h.append(differs && f.better() == 0 ? "<tr class=\"diff\">" : "<tr>").append("<th>").append(esc(f.label())).append("</th>");
            for (double x : v) {
                boolean isBest = differs && x == best && runs.size() > 1;
                double shown = f.format().endsWith("%%") ? 100 * x : x;
                h.append(Double.isNaN(x) ? "<td class=\"miss\">—</td>" : "<td class=\"n" + (isBest ? " best" : "") + "\">"
                        + String.format(Locale.ROOT, f.format(), shown) + "</td>");
            }
            h.append("</tr>\n");
        }
        for (String field : TEXTS) {
            List<String> v = runs.stream().map(r -> r.summary().has(field) ? r.summary().get(field).asText() : null).toList();
            if (v.stream().allMatch(Objects::isNull)) continue;
            cells(h, field.replace('_', ' '), v);
        }
        h.append("</table>\n");
    }

    private static void jobs(StringBuilder h, List<RunRecord> runs, List<String> labels) {
        List<JobDiff.Row> rows = JobDiff.of(runs.stream().map(RunRecord::job).toList());
        List<JobDiff.Row> differing = rows.stream().filter(JobDiff.Row::differs).toList();
        List<JobDiff.Row> same = rows.stream().filter(r -> !r.differs()).toList();
        h.append("<h2>Jobs</h2>\n<p class=\"sub\">").append(differing.size()).append(" setting(s) differ (highlighted); ")
                .append(same.size()).append(" are the same. A run without job.json shows none.</p>\n");
        header(h, labels, "setting");
        differing.forEach(r -> cells(h, r.path(), r.values()));
        h.append("</table>\n");
        if (!same.isEmpty()) {
            h.append("<details><summary>the ").append(same.size()).append(" settings that are the same</summary>\n");
            header(h, labels, "setting");
            same.forEach(r -> cells(h, r.path(), r.values()));
            h.append("</table>\n</details>\n");
        }
    }

    private static void header(StringBuilder h, List<String> labels, String first) {
        h.append("<table class=\"cmp\"><tr><th>").append(first).append("</th>");
        for (int i = 0; i < labels.size(); i++) h.append("<th>").append(swatch(i)).append(esc(labels.get(i))).append("</th>");
        h.append("</tr>\n");
    }

    /** A row of text values, highlighted when they differ; a missing one is a grey dash. */
    private static void cells(StringBuilder h, String label, List<String> values) {
        boolean differs = values.stream().distinct().count() > 1;
        h.append(differs ? "<tr class=\"diff\">" : "<tr>").append("<th>").append(esc(label)).append("</th>");
        for (String v : values) h.append(v == null ? "<td class=\"miss\">—</td>" : "<td><code>" + esc(v) + "</code></td>");
        h.append("</tr>\n");
    }

    private static String swatch(int i) {
        Color c = CompareCharts.colour(i);
        return String.format(Locale.ROOT, "<span class=\"swatch\" style=\"background:#%02x%02x%02x\"></span>", c.getRed(), c.getGreen(), c.getBlue());
    }
}
