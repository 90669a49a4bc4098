package io.spindle.driver.ml;

import io.spindle.core.io.ModelFile;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.History;
import io.spindle.driver.report.RunRecord;
import io.spindle.driver.run.Storage;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Saves a fitted model as a directory on any Hadoop URI: Spark ML's {@code metadata/} (class, uid,
 * params — what Pipeline and CrossValidator persistence expect), the Spindle model file
 * {@code model.spindle} (header, JSON config, raw parameters, checksum), and {@code history.csv}.
 */
final class SpindleModelWriter extends MLWriter {
    static final String MODEL_FILE = "model.spindle", HISTORY_FILE = "history.csv";
    private final SpindleModel<?> model;

    SpindleModelWriter(SpindleModel<?> model) {
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        // Untyped empties: json4s moved JObject/JValue between the versions Spark 3.5 and 4 ship.
        DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
        Storage storage = new Storage(sc().hadoopConfiguration());
        try {
            storage.writeAtomically(Storage.join(path, MODEL_FILE), out -> ModelFile.write(model.savedModel(), out));
            if (model.history() != null) storage.writeString(Storage.join(path, HISTORY_FILE), model.history().toCsv());
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the model to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Builds a model of one class from what a saved directory holds. */
    @FunctionalInterface
    interface Factory<M> {
        M create(String uid, SavedModel saved, History history);
    }

    /** Loads what {@link SpindleModelWriter} saved, for the model class {@code type}. */
    static final class Reader<M extends SpindleModel<M>> extends MLReader<M> {
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
            String file = Storage.join(path, MODEL_FILE), historyFile = Storage.join(path, HISTORY_FILE);
            try {
                SavedModel saved;
                try (InputStream in = storage.open(file)) {
                    saved = ModelFile.read(in, file);
                }
                History history = null;
                if (storage.exists(historyFile)) {
                    try (InputStream in = storage.open(historyFile)) {
                        history = History.of(RunRecord.parseHistory(new String(in.readAllBytes(), StandardCharsets.UTF_8), historyFile), -1);
                    }
                }
                M model = factory.create(metadata.uid(), saved, history);
                metadata.getAndSetParams(model, Option.empty());
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("could not load a " + type.getSimpleName() + " from " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
