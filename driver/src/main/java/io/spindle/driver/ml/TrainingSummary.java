package io.spindle.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.History;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a fit did, as Spark's {@code MultilayerPerceptronClassificationModel.summary} tells it: per-epoch
 * loss and accuracy on the training rows and on the validation rows (NaN where there were none), wall
 * time and samples/s. Prints as a table, and {@link #toDataFrame()} is one {@code z.show} away.
 */
public final class TrainingSummary {
    private final History history;
    private final double wallSeconds;
    private final long trainRows, validationRows;
    private final String validation;

    /** {@code validation} says where the validation rows came from, or null when there were none. */
    TrainingSummary(History history, double wallSeconds, long trainRows, long validationRows, String validation) {
        this.history = history;
        this.wallSeconds = wallSeconds;
        this.trainRows = trainRows;
        this.validationRows = validationRows;
        this.validation = validation;
    }

    public History history() {
        return history;
    }

    public List<EpochStats> epochs() {
        return history.epochs();
    }

    /** The training loss after each epoch, as Spark's summaries call it. */
    public double[] objectiveHistory() {
        return history.epochs().stream().mapToDouble(EpochStats::trainLoss).toArray();
    }

    /** Epochs run (fewer than {@code epochs} when early stopping ended the fit). */
    public int totalIterations() {
        return history.epochs().size();
    }

    /** Seconds the whole fit took on the driver, checks and sharding included. */
    public double wallSeconds() {
        return wallSeconds;
    }

    /** Mean training throughput over the epochs. */
    public double samplesPerSecond() {
        return history.samplesPerSecond();
    }

    public long trainRows() {
        return trainRows;
    }

    public long validationRows() {
        return validationRows;
    }

    /** Where the validation rows came from (e.g. {@code validationIndicatorCol "isVal"}), or null when there were none. */
    public String validationSource() {
        return validation;
    }

    /** One row per epoch: epoch, loss, accuracy, val_loss, val_accuracy, samples_per_sec, seconds, learning_rate (null where not measured). */
    public Dataset<Row> toDataFrame() {
        return toDataFrame(SparkSession.active());
    }

    public Dataset<Row> toDataFrame(SparkSession spark) {
        StructType schema = new StructType().add("epoch", DataTypes.IntegerType, false);
        for (String c : new String[] {"loss", "accuracy", "val_loss", "val_accuracy", "samples_per_sec", "seconds", "learning_rate"}) {
            schema = schema.add(c, DataTypes.DoubleType, true);
        }
        List<Row> rows = new ArrayList<>();
        for (EpochStats e : history.epochs()) {
            rows.add(RowFactory.create(e.epoch(), orNull(e.trainLoss()), orNull(e.trainAccuracy()), orNull(e.validationLoss()),
                    orNull(e.validationAccuracy()), orNull(e.samplesPerSecond()), orNull(e.seconds()), orNull(e.learningRate())));
        }
        return spark.createDataFrame(rows, schema);
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d epoch(s) on %,d training rows", totalIterations(), trainRows));
        sb.append(validation == null ? ", no validation rows" : String.format(Locale.ROOT, ", validated on %,d rows (%s)", validationRows, validation));
        sb.append(String.format(Locale.ROOT, "; %.1f s, %,.0f samples/s%n", wallSeconds, samplesPerSecond()));
        sb.append(String.format(Locale.ROOT, "%5s %10s %10s %10s %10s %12s %8s%n", "epoch", "loss", "accuracy", "val_loss", "val_acc", "samples/s", "seconds"));
        for (EpochStats e : history.epochs()) {
            sb.append(String.format(Locale.ROOT, "%5d %10s %10s %10s %10s %,12.0f %8.2f%n", e.epoch(), cell(e.trainLoss()), cell(e.trainAccuracy()),
                    cell(e.validationLoss()), cell(e.validationAccuracy()), e.samplesPerSecond(), e.seconds()));
        }
        if (history.stoppedEarly()) sb.append("stopped early; the weights are epoch ").append(history.bestEpoch()).append("'s\n");
        return sb.toString();
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** Everything but the epochs, which are saved as history.csv beside it. */
    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("wall_seconds", wallSeconds).put("train_rows", trainRows)
                .put("validation_rows", validationRows).put("stopped_early", history.stoppedEarly()).put("best_epoch", history.bestEpoch());
        if (validation != null) n.put("validation", validation);
        return n;
    }

    static TrainingSummary fromJson(JsonNode n, List<EpochStats> epochs) {
        History history = History.of(epochs, n.path("stopped_early").asBoolean(false) ? n.path("best_epoch").asInt(-1) : -1);
        return new TrainingSummary(history, n.path("wall_seconds").asDouble(Double.NaN), n.path("train_rows").asLong(),
                n.path("validation_rows").asLong(), n.hasNonNull("validation") ? n.get("validation").asText() : null);
    }
}
