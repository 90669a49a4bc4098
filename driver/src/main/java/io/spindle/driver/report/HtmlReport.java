package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spindle.core.train.EpochStats;

import java.util.Base64;
import java.util.Locale;
import java.util.List;

/**
 * A run's report as one self-contained HTML page: headline metrics and throughput, provenance,
 * the charts inlined as base64 PNG, the per-epoch table, the confusion matrix and the job config.
 * No scripts, no external links: it opens the same from a mail attachment or an HDFS browser.
 */
public final class HtmlReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String STYLE = """
            body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:2em auto;max-width:1320px;color:#222;padding:0 1em}
            .charts{display:flex;flex-wrap:wrap;gap:12px}.charts img{width:640px}
            h1{margin-bottom:0}.sub{color:#666;margin-top:.3em}
            table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.25em .6em;text-align:right;border-bottom:1px solid #e4e4e4}
            th{background:#f5f5f5}td.l,th.l{text-align:left}.kv td:first-child{text-align:left;color:#555}
            table.cm td{border:1px solid #fff;min-width:2.6em}img{max-width:100%;border:1px solid #eee}
            pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:90%}code{font-size:90%}
            """;

    private HtmlReport() {
    }

    /** The page for {@code run} with its {@code charts}, in display order (two to a row on a wide screen). */
    static String render(RunRecord run, List<RunCharts.Chart> charts) {
        JsonNode s = run.summary();
        String name = s.path("name").asText(run.job() == null ? "run" : run.job().path("name").asText("run"));
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Spindle report: ").append(esc(name))
                .append("</title><style>").append(STYLE).append("</style></head><body>\n");
        h.append("<h1>").append(esc(name)).append("</h1><p class=\"sub\">Spindle training report for <code>")
                .append(esc(run.dir())).append("</code></p>\n");
        headline(h, s);
        h.append("<h2>Learning curves</h2>\n<div class=\"charts\">\n");
        charts.forEach(c -> image(h, c.title(), c.png()));
        h.append("</div>\n");
        epochTable(h, run);
        if (s.has("confusion_matrix")) {
            // Runs from before summary.json carried class_names have them in job.json only.
            JsonNode names = s.has("class_names") || run.job() == null ? s.get("class_names") : run.job().at("/data/class_names");
            confusion(h, s.get("confusion_matrix"), names);
        }
        if (run.job() != null) {
            h.append("<h2>Job</h2>\n<pre>").append(esc(pretty(run.job()))).append("</pre>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void headline(StringBuilder h, JsonNode s) {
        h.append("<h2>Result</h2>\n<table class=\"kv\">\n");
        row(h, "test accuracy", s, "test_accuracy", "%.4f");
        row(h, "test macro F1", s, "test_macro_f1", "%.4f");
        row(h, "test MSE", s, "test_mse", "%.6g");
        row(h, "test MAE", s, "test_mae", "%.6g");
        row(h, "test R²", s, "test_r2", "%.4f");
        row(h, "test loss", s, "test_loss", "%.4f");
        row(h, "test rows", s, "test_samples", "%,.0f");
        text(h, "test set (evaluated once, after training)", s, "test_source");
        row(h, "final training loss", s, "final_train_loss", "%.4f");
        row(h, "final validation loss", s, "final_val_loss", "%.4f");
        row(h, "final validation accuracy", s, "final_val_accuracy", "%.4f");
        row(h, "validation rows", s, "validation_rows", "%,.0f");
        text(h, "validation set (after every epoch)", s, "validation_source");
        row(h, "epochs", s, "epochs", "%.0f");
        if (s.path("stopped_early").asBoolean(false)) {
            h.append("<tr><td>stopped early</td><td>yes").append(s.has("best_epoch") ? "; weights of epoch " + s.get("best_epoch").asInt() : "").append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Throughput</h2>\n<table class=\"kv\">\n");
        row(h, "training samples/s", s, "train_samples_per_sec", "%,.0f");
        row(h, "workers", s, "workers", "%.0f");
        if (s.has("collective_share")) {
            h.append(String.format(Locale.ROOT, "<tr><td>share of step time in the all-reduce</td><td>%.1f%%</td></tr>%n",
                    100 * s.get("collective_share").asDouble()));
        }
        row(h, "wall time (s)", s, "seconds", "%,.1f");
        row(h, "optimizer steps", s, "steps", "%,.0f");
        h.append("</table>\n<h2>Provenance</h2>\n<table class=\"kv\">\n");
        row(h, "parameters", s, "params", "%,.0f");
        row(h, "seed", s, "seed", "%.0f");
        text(h, "data fingerprint", s, "data_fingerprint");
        text(h, "Spindle version", s, "spindle_version");
        text(h, "OMP_NUM_THREADS", s, "omp_num_threads");
        h.append("</table>\n");
    }

    private static void epochTable(StringBuilder h, RunRecord run) {
        h.append("<h2>Per epoch</h2>\n<table><tr><th>epoch</th><th>train loss</th><th>train accuracy</th><th>validation loss</th>")
                .append("<th>validation accuracy</th><th>samples/s</th><th>seconds</th><th>learning rate</th></tr>\n");
        for (EpochStats e : run.epochs()) {
            h.append("<tr><td>").append(e.epoch()).append("</td>");
            for (double v : new double[] {e.trainLoss(), e.trainAccuracy(), e.validationLoss(), e.validationAccuracy()}) {
                h.append("<td>").append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.4f", v)).append("</td>");
            }
            h.append(String.format(Locale.ROOT, "<td>%,.0f</td><td>%.1f</td><td>%s</td></tr>%n", e.samplesPerSecond(), e.seconds(),
                    e.learningRate() == 0 ? "0" : String.format(Locale.ROOT, "%.3g", e.learningRate())));
        }
        h.append("</table>\n");
    }

    /**
     * Rows are the actual class, columns the predicted one; a cell's shade is its share of the row. {@code names} (null or
     * not one per class: the class indices) head the rows and columns.
     */
    private static void confusion(StringBuilder h, JsonNode matrix, JsonNode names) {
        int k = matrix.size();
        String[] label = new String[k];
        for (int c = 0; c < k; c++) label[c] = names != null && names.size() == k ? names.get(c).asText() : Integer.toString(c);
        long[] predicted = new long[k];
        for (JsonNode row : matrix) for (int p = 0; p < k; p++) predicted[p] += row.path(p).asLong();
        h.append("<h2>Confusion matrix (test)</h2>\n<p class=\"sub\">rows: actual class, columns: predicted class; ")
                .append("shade: share of the row</p>\n<table class=\"cm\"><tr><th class=\"l\">actual \\ predicted</th>");
        for (int p = 0; p < k; p++) h.append("<th>").append(esc(label[p])).append("</th>");
        h.append("<th>recall</th></tr>\n");
        for (int a = 0; a < k; a++) {
            JsonNode row = matrix.get(a);
            long total = 0;
            for (int p = 0; p < k; p++) total += row.path(p).asLong();
            h.append("<tr><th>").append(esc(label[a])).append("</th>");
            for (int p = 0; p < k; p++) {
                long c = row.path(p).asLong();
                double share = total == 0 ? 0 : (double) c / total;
                // Blue for the diagonal (right), red off it (confused); stronger = larger share of the row.
                String rgb = a == p ? "31,119,180" : "214,39,40";
                h.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.2f)%s\">%d</td>", rgb,
                        Math.min(1, a == p ? share : 3 * share), share > 0.6 ? ";color:#fff" : "", c));
            }
            h.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>%n", total == 0 ? 0 : (double) row.path(a).asLong() / total));
        }
        h.append("<tr><th>precision</th>");
        for (int p = 0; p < k; p++) {
            h.append(String.format(Locale.ROOT, "<td>%.3f</td>", predicted[p] == 0 ? 0 : (double) matrix.get(p).path(p).asLong() / predicted[p]));
        }
        h.append("<td></td></tr>\n</table>\n");
    }

    /** A chart inlined as a data: URI, so the page needs no file beside it. */
    static void image(StringBuilder h, String title, byte[] png) {
        h.append("<img alt=\"").append(esc(title)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
    }

    private static void row(StringBuilder h, String label, JsonNode s, String field, String format) {
        if (!s.has(field) || !s.get(field).isNumber()) return;
        h.append("<tr><td>").append(esc(label)).append("</td><td>")
                .append(String.format(Locale.ROOT, format, s.get(field).asDouble())).append("</td></tr>\n");
    }

    private static void text(StringBuilder h, String label, JsonNode s, String field) {
        if (!s.has(field)) return;
        h.append("<tr><td>").append(esc(label)).append("</td><td class=\"l\"><code>").append(esc(s.get(field).asText()))
                .append("</code></td></tr>\n");
    }

    private static String pretty(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return n.toString();
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
