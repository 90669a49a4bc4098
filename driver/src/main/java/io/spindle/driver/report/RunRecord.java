package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.data.DataFormatException;
import io.spindle.core.train.EpochStats;
import io.spindle.driver.run.StepLoss;
import io.spindle.driver.run.Storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a report is drawn from: a finished run directory's {@code history.csv} and
 * {@code summary.json} (required), its {@code job.json} and {@code steps.csv} (optional: older runs lack the
 * step log), read back through {@link Storage} so a report can be re-rendered from any Hadoop URI long after training.
 */
public record RunRecord(String dir, List<EpochStats> epochs, JsonNode summary, JsonNode job, List<StepLoss> steps) {
    static final String HISTORY_HEADER = EpochStats.CSV_HEADER;
    private static final ObjectMapper JSON = new ObjectMapper();

    public RunRecord {
        epochs = List.copyOf(epochs);
        steps = List.copyOf(steps);
    }

    /** The directory is missing, or holds no finished run: a wrong argument rather than a damaged file. */
    public static final class NotARunDirectory extends FileNotFoundException {
        NotARunDirectory(String message) {
            super(message);
        }
    }

    /** Reads a run directory; a missing directory or file, or a corrupt one, fails with the file and the problem named. */
    public static RunRecord read(Storage storage, String dir) throws IOException {
        if (!storage.exists(dir)) throw new NotARunDirectory(dir + " does not exist");
        if (!storage.isDirectory(dir)) throw new NotARunDirectory(dir + " is a file, not a Spindle run directory");
        String history = Storage.join(dir, "history.csv");
        String summary = Storage.join(dir, "summary.json");
        for (String f : List.of(history, summary)) {
            if (!storage.exists(f)) {
                boolean started = storage.exists(Storage.join(dir, "job.json"));
                throw new NotARunDirectory(dir + " is not a finished Spindle run directory: " + f + " is missing ("
                        + (started ? "its training never finished; continue it with: spindle train --resume " + dir
                        : "train writes it at the end of a successful run") + ")");
            }
        }
        List<EpochStats> epochs = parseHistory(text(storage, history), history);
        JsonNode s = json(storage, summary);
        String jobFile = Storage.join(dir, "job.json");
        JsonNode job = storage.exists(jobFile) ? json(storage, jobFile) : null;
        String stepFile = Storage.join(dir, StepLoss.FILE);
        List<StepLoss> steps = storage.exists(stepFile) ? StepLoss.parseCsv(text(storage, stepFile), stepFile) : List.of();
        return new RunRecord(dir, epochs, s, job, steps);
    }

    /** Whether the run learned classes (its history has accuracies), as opposed to regression targets. */
    public boolean classification() {
        return summary.has("test_accuracy") || epochs.stream().anyMatch(e -> !Double.isNaN(e.trainAccuracy()));
    }

    /** The task, as a reader says it: "classification" or "regression". */
    public String task() {
        return classification() ? "classification" : "regression";
    }

    /**
     * The share of step time in the all-reduce for each of {@link #epochs()} (NaN where unknown): the summary has it for
     * the last attempt's epochs, which are the last ones.
     */
    public double[] epochCollectiveShares() {
        double[] shares = new double[epochs.size()];
        Arrays.fill(shares, Double.NaN);
        JsonNode known = summary.path("collective_share_per_epoch");
        int offset = shares.length - known.size();
        for (int i = 0; i < known.size(); i++) if (offset + i >= 0) shares[offset + i] = known.get(i).asDouble(Double.NaN);
        return shares;
    }

    /** Parses {@code history.csv} as {@link io.spindle.core.train.History#toCsv} writes it; empty cells are NaN. */
    public static List<EpochStats> parseHistory(String csv, String source) throws DataFormatException {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).trim().equals(HISTORY_HEADER)) {
            throw new DataFormatException(source, "not a Spindle history: the first line must be \"" + HISTORY_HEADER + "\", found \""
                    + (lines.isEmpty() ? "" : lines.get(0)) + "\"");
        }
        if (lines.size() == 1) throw new DataFormatException(source, "holds no epoch rows");
        String[] names = HISTORY_HEADER.split(",");
        List<EpochStats> epochs = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != names.length) {
                throw new DataFormatException(source, "line " + (i + 1) + " has " + cells.length + " cells, the header " + names.length);
            }
            double[] v = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                try {
                    v[c] = cells[c].isBlank() ? Double.NaN : Double.parseDouble(cells[c].trim());
                } catch (NumberFormatException e) {
                    throw new DataFormatException(source, "line " + (i + 1) + ": " + names[c] + " \"" + cells[c] + "\" is not a number");
                }
            }
            epochs.add(new EpochStats((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
        }
        return epochs;
    }

    private static String text(Storage storage, String uri) throws IOException {
        try (InputStream in = storage.open(uri)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode json(Storage storage, String uri) throws IOException {
        try {
            JsonNode n = JSON.readTree(text(storage, uri));
            if (n == null || !n.isObject()) throw new DataFormatException(uri, "must hold one JSON object");
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(uri, "is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
