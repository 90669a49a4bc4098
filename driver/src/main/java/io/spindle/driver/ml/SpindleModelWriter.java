package io.spindle.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.io.ModelFile;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.EpochStats;
import io.spindle.driver.report.RunRecord;
import io.spindle.driver.run.Storage;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Saves a fitted model as a directory on any Hadoop URI: Spark ML's {@code metadata/} (class, uid and
 * every param, the training ones included — what Pipeline and CrossValidator persistence expect), the
 * Spindle model file {@code model.spindle} (header, JSON config, raw parameters, checksum), and the
 * training summary as {@code history.csv} (one row per epoch) and {@code summary.json}.
 */
final class SpindleModelWriter extends MLWriter {
    static final String MODEL_FILE = "model.spindle", HISTORY_FILE = "history.csv", SUMMARY_FILE = "summary.json";
    private final SpindleModel model;
    private final TrainingSummary summary;

    SpindleModelWriter(SpindleModel model, TrainingSummary summary) {
        this.model = model;
        this.summary = summary;
    }

    @Override
    public void saveImpl(String path) {
        // Untyped empties: json4s moved JObject/JValue between the versions Spark 3.5 and 4 ship.
        DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
        Storage storage = new Storage(sc().hadoopConfiguration());
        try {
            storage.writeAtomically(Storage.join(path, MODEL_FILE), out -> ModelFile.write(model.savedModel(), out));
            if (summary != null) {
                storage.writeString(Storage.join(path, HISTORY_FILE), summary.history().toCsv());
                storage.writeString(Storage.join(path, SUMMARY_FILE), summary.toJson().toPrettyString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the model to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Builds a model of one class from what a saved directory holds. */
    @FunctionalInterface
    interface Factory<M> {
        M create(String uid, SavedModel saved, TrainingSummary summary);
    }

    /** Loads what {@link SpindleModelWriter} saved, for the model class {@code type}. */
    static final class Reader<M extends Params> extends MLReader<M> {
        private final Class<M> type;
        private final Factory<M> factory;

        Reader(Class<M> type, Factory<M> factory) {
            this.type = type;
            this.factory = factory;
        }

        @Override
        public M load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(), type.getName());
            Storage storage = new Storage(sc().hadoopConfiguration());
            String file = Storage.join(path, MODEL_FILE);
            try {
                SavedModel saved;
                try (InputStream in = storage.open(file)) {
                    saved = ModelFile.read(in, file);
                }
                M model = factory.create(metadata.uid(), saved, readSummary(storage, path));
                metadata.getAndSetParams(model, Option.empty());
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("could not load a " + type.getSimpleName() + " from " + path + ": " + e.getMessage(), e);
            }
        }

        /** The summary, or null for a model saved without one. */
        private static TrainingSummary readSummary(Storage storage, String path) throws IOException {
            String historyFile = Storage.join(path, HISTORY_FILE), summaryFile = Storage.join(path, SUMMARY_FILE);
            if (!storage.exists(historyFile)) return null;
            List<EpochStats> epochs = RunRecord.parseHistory(read(storage, historyFile), historyFile);
            JsonNode figures = storage.exists(summaryFile) ? new ObjectMapper().readTree(read(storage, summaryFile))
                    : new ObjectMapper().createObjectNode();
            return TrainingSummary.fromJson(figures, epochs);
        }

        private static String read(Storage storage, String file) throws IOException {
            try (InputStream in = storage.open(file)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
