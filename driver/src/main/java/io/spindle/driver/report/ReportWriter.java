package io.spindle.driver.report;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Renders a run directory's report from what the run left there ({@code history.csv},
 * {@code summary.json}, {@code job.json}, {@code steps.csv}) and writes its charts ({@code loss.png},
 * {@code accuracy.png} for classification, ...) and {@code report.html} beside them, atomically, on any Hadoop URI.
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
        List<RunCharts.Chart> charts = RunCharts.of(run);
        List<String> written = new ArrayList<>();
        for (RunCharts.Chart c : charts) written.add(writeBytes(dir, c.fileName(), c.png()));
        written.add(writeBytes(dir, HTML, HtmlReport.render(run, charts).getBytes(StandardCharsets.UTF_8)));
        return written;
    }

    /**
     * Writes one page comparing the runs in {@code dirs} (two or more, all of one task) to {@code out}, the charts
     * inlined; returns {@code out}. Runs of different tasks (classification and regression) are refused.
     */
    public String compare(List<String> dirs, String out) throws IOException {
        List<RunRecord> runs = new ArrayList<>();
        for (String d : dirs) runs.add(RunRecord.read(storage, d));
        for (RunRecord r : runs) {
            if (!r.task().equals(runs.get(0).task())) {
                throw new ConfigException("report", "cannot compare runs of different tasks: " + runs.get(0).dir() + " is "
                        + runs.get(0).task() + ", " + r.dir() + " is " + r.task() + " (their losses and metrics measure different things)");
            }
        }
        List<String> labels = labels(dirs);
        String html = ComparePage.render(runs, labels, CompareCharts.of(runs, labels));
        storage.writeAtomically(out, o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** Each run's label: its directory's last name, numbered when two runs share one. */
    static List<String> labels(List<String> dirs) {
        List<String> names = dirs.stream().map(d -> {
            String t = d.replaceAll("/+$", "");
            return t.substring(t.lastIndexOf('/') + 1);
        }).toList();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            labels.add(Collections.frequency(names, names.get(i)) > 1 ? "#" + (i + 1) + " " + names.get(i) : names.get(i));
        }
        return labels;
    }

    private String writeBytes(String dir, String name, byte[] bytes) throws IOException {
        String uri = Storage.join(dir, name);
        storage.writeAtomically(uri, out -> out.write(bytes));
        return uri;
    }
}
