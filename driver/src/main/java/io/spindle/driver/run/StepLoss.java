package io.spindle.driver.run;

import io.spindle.core.data.DataFormatException;

import java.util.ArrayList;
import java.util.List;

/**
 * One sampled point of a run's per-step training curve ({@code steps.csv}): the mean loss of rank 0's batches over a
 * window of steps ending at global step {@code step} (1-based), where that is in {@code epoch}s (1.5: half-way through
 * the second), and the learning rate the schedule gave that step.
 */
public record StepLoss(long step, double epoch, double loss, double learningRate) {
    public static final String CSV_HEADER = "step,epoch,loss,learning_rate";
    public static final String FILE = "steps.csv";

    /** Parses {@code steps.csv} as {@link StepLog#toCsv} writes it; {@code source} names the file in errors. */
    public static List<StepLoss> parseCsv(String csv, String source) throws DataFormatException {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).trim().equals(CSV_HEADER)) {
            throw new DataFormatException(source, "not a Spindle step log: the first line must be \"" + CSV_HEADER + "\"");
        }
        List<StepLoss> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",", -1);
            try {
                if (c.length != 4) throw new NumberFormatException(c.length + " cells, the header 4");
                points.add(new StepLoss(Long.parseLong(c[0].trim()), Double.parseDouble(c[1]), Double.parseDouble(c[2]), Double.parseDouble(c[3])));
            } catch (NumberFormatException e) {
                throw new DataFormatException(source, "line " + (i + 1) + " is not step,epoch,loss,learning_rate: " + e.getMessage());
            }
        }
        return points;
    }

    /** Exactly, as history.csv writes its figures. */
    String toCsv() {
        return step + "," + epoch + "," + loss + "," + learningRate;
    }
}
