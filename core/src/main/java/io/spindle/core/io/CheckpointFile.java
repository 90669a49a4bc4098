package io.spindle.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.train.EpochStats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints are model files ({@link ModelFile}: same magic, layout and CRC-32C trailer) whose header
 * has one more object, {@code checkpoint}: {@code {"epoch", "step", "global_step", "data_seed",
 * "rng": "per_step", "epoch_totals": [loss_sum, correct, seen], "history": [[epoch, train_loss,
 * train_accuracy, val_loss, val_accuracy, samples_per_sec, seconds, learning_rate], ...]}} (NaN as null).
 * A checkpoint therefore also loads as a model ({@code evaluate} works on it).
 */
public final class CheckpointFile {
    private CheckpointFile() {
    }

    public static void write(Checkpoint c, OutputStream out) throws IOException {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("epoch", c.epoch()).put("step", c.step()).put("global_step", c.globalStep()).put("data_seed", c.dataSeed())
                .put("rng", "per_step");
        ArrayNode totals = n.putArray("epoch_totals");
        for (double v : c.epochTotals()) totals.add(v);
        ArrayNode history = n.putArray("history");
        for (EpochStats e : c.history()) {
            ArrayNode row = history.addArray().add(e.epoch());
            for (double v : new double[] {e.trainLoss(), e.trainAccuracy(), e.validationLoss(), e.validationAccuracy(),
                    e.samplesPerSecond(), e.seconds(), e.learningRate()}) {
                if (Double.isFinite(v)) row.add(v);
                else row.addNull();
            }
        }
        ModelFile.write(c.model(), n, out);
    }

    /**
     * Reads and verifies one checkpoint; damage (truncation, a flipped bit) throws {@link ModelFileException}
     * like a damaged model, and so does an intact model file that is not a checkpoint.
     */
    public static Checkpoint read(InputStream in, String source) throws IOException {
        ModelFile.Read r = ModelFile.readWithHeader(in, source);
        ConfigNode c = r.header().section("checkpoint");
        if (c == null) throw ModelFileException.invalidHeader(source, "a model file without a checkpoint section");
        try {
            double[] totals = numbers(c.json().get("epoch_totals"), 3, c.field("epoch_totals"));
            List<EpochStats> history = new ArrayList<>();
            JsonNode rows = c.json().get("history");
            if (rows == null || !rows.isArray()) throw new ConfigException(c.field("history"), "required array is missing");
            for (JsonNode row : rows) {
                double[] v = numbers(row, 8, c.field("history"));
                history.add(new EpochStats((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
            }
            return new Checkpoint(r.model(), c.requireInt("epoch", 1, Integer.MAX_VALUE), c.requireInt("step", 0, Integer.MAX_VALUE),
                    c.longValue("global_step", 0), c.longValue("data_seed", 0), totals, history);
        } catch (IllegalArgumentException e) {
            throw ModelFileException.invalidHeader(source, "checkpoint section: " + e.getMessage());
        }
    }

    private static double[] numbers(JsonNode array, int n, String field) {
        if (array == null || !array.isArray() || array.size() != n) throw new ConfigException(field, String.valueOf(array), n + " numbers");
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
        return v;
    }
}
