package io.spindle.driver.report;

import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a run directory's report from what the run left there ({@code history.csv},
 * {@code summary.json}, {@code job.json}) and writes {@code loss.png}, {@code accuracy.png}
 * (classification only) and {@code report.html} beside them, atomically, on any Hadoop URI.
 * Training and {@code spindle report} both go through here, so a re-render is identical.
 */
public final class ReportWriter {
    public static final String HTML = "report.html";
    private final Storage storage;

    public ReportWriter(Storage storage) {
        this.storage = storage;
    }

    /** Writes the report of the run in {@code dir}; returns the files written. */
    public List<String> write(String dir) throws IOException {
        RunRecord run = RunRecord.read(storage, dir);
        Map<String, byte[]> charts = new LinkedHashMap<>();
        charts.put("loss per epoch", LearningCurves.png(run.epochs(), LearningCurves.Metric.LOSS, Double.NaN));
        List<String> written = new ArrayList<>();
        written.add(writeBytes(dir, LearningCurves.Metric.LOSS.fileName(), charts.get("loss per epoch")));
        if (run.classification()) {
            byte[] accuracy = LearningCurves.png(run.epochs(), LearningCurves.Metric.ACCURACY,
                    run.summary().path("test_accuracy").asDouble(Double.NaN));
            charts.put("accuracy per epoch", accuracy);
            written.add(writeBytes(dir, LearningCurves.Metric.ACCURACY.fileName(), accuracy));
        }
        written.add(writeBytes(dir, HTML, HtmlReport.render(run, charts).getBytes(StandardCharsets.UTF_8)));
        return written;
    }

    private String writeBytes(String dir, String name, byte[] bytes) throws IOException {
        String uri = Storage.join(dir, name);
        storage.writeAtomically(uri, out -> out.write(bytes));
        return uri;
    }
}
